import { FindingPeers } from '../../../src/store/finding-peers'
import { patch, type Mutant } from './mutant'

interface FindingPeersInternals {
  count: number
  destroyed: boolean
  inc (sessions: Iterable<unknown>): void
}

/** Sessions open before findingPeers() do not wait for peers (finding 6 of issue 15). */
export const findingPeersSkipsEarlySessions: Mutant = {
  name: 'finding-peers-skips-early-sessions',
  summary: 'findingPeers() holds the sessions opened while it is held, not those already open',
  killers: { tests: ['store/api.test.js'] },
  apply: () => patch(FindingPeers.prototype as unknown as FindingPeersInternals, 'inc', () => function (this: FindingPeersInternals) {
    if (!this.destroyed) this.count++
  })
}
