import Hypercore from 'hypercore'
import { patch, type Mutant } from './mutant'

type Append = Hypercore['append']

/**
 * A multi-block append is written as one batch per block: a crash in the middle of it
 * keeps part of it, a torn append. Only a crash while an append is in flight shows it
 * (finding 5 of issue 15: the crash property never crashed mid-append).
 */
export const appendNotAtomic: Mutant = {
  name: 'append-not-atomic',
  summary: 'append([a, b, c]) writes a, b and c as three batches: a crash in between keeps part of it',
  killers: { properties: ['sim-crash-durability'], tests: ['integration/crash-agreement.test.js'] },
  apply: () => patch(Hypercore.prototype, 'append', (original: Append) => async function (this: Hypercore, blocks: Parameters<Append>[0]) {
    if (!Array.isArray(blocks) || blocks.length < 2) return original.call(this, blocks)
    let result = await original.call(this, blocks[0] as Buffer)
    for (const block of blocks.slice(1)) result = await original.call(this, block)
    return result
  })
}
