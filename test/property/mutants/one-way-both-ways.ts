import { Link } from '../../../src/sim/network/link'
import { patch, type Mutant } from './mutant'

/**
 * A planted bug of the simulator's fault path, not of the store: a one-way fault acts
 * on both directions of the link, so it is a plain stall, drop or slow-down and the
 * one-way case is never exercised. The simulator cannot see its own fault misplaced
 * (no invariant says which way bytes must flow); the one-way tests do.
 */
export const oneWayBothWays: Mutant = {
  name: 'one-way-both-ways',
  summary: 'a one-way link fault (simulator) also acts on the other direction',
  killers: { tests: ['integration/sim-peer-net-faults.test.js'] },
  apply: () => patch(Link.prototype, 'oneWay', (original) => function (this: Link, ...args: Parameters<Link['oneWay']>): void {
    const [from, ...rest] = args
    original.call(this, from, ...rest)
    original.call(this, from === this.a ? this.b : this.a, ...rest)
  })
}
