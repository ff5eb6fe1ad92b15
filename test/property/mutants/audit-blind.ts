import { patch, type Mutant } from './mutant'

/** hypercore's Core, as far as this bug touches it (its typings leave lib/core out). */
interface CoreProto { audit (opts?: unknown): Promise<unknown> }

// Loaded from the same hypercore the stores use (resolved from here, as the simulator's is).
const Core = require('hypercore/lib/core') as { prototype: CoreProto }

/**
 * `audit()` sees nothing: every core reports clean, whatever its disk holds. The
 * simulator's bit-rot check (rot-unreported) must notice.
 */
export const auditBlind: Mutant = {
  name: 'audit-blind',
  summary: 'hypercore\'s audit() reports every core clean, rotten records included',
  killers: { tests: ['integration/sim-faults-disk.test.js'] },
  apply: () => patch(Core.prototype, 'audit', () => async function () {
    return { treeNodes: 0, blocks: 0, bits: 0, droppedTreeNodes: 0, droppedBlocks: 0, droppedBits: 0, corrupt: false }
  })
}
