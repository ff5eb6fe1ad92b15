import { patch, type Mutant } from './mutant'

/** hypercore-storage's write transaction, as far as this bug touches it (untyped). */
interface CoreTxProto { putBitfieldPage (index: number, data: unknown): void }

const { CoreTX } = require('hypercore-storage/lib/tx') as { CoreTX: { prototype: CoreTxProto } }

/**
 * Bitfield pages are never written: blocks and tree nodes reach the disk, the record of
 * which blocks are held does not. A store reopened from its folder (after a power loss)
 * then disagrees with itself; the audit after the restart (torn-state) must notice.
 */
export const bitfieldNeverStored: Mutant = {
  name: 'bitfield-never-stored',
  summary: 'hypercore-storage drops every bitfield page write: blocks are stored, their bits are not',
  killers: { tests: ['integration/sim-faults-disk.test.js'] },
  apply: () => patch(CoreTX.prototype, 'putBitfieldPage', () => function () {})
}
