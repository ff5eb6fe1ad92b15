import { Replication } from '../../../src/store/replication'
import type { Corestore } from '../../../src/store/corestore'
import type { Muxer } from '../../../src/store/types'
import { patch, type Mutant } from './mutant'

interface ReplicationInternals {
  store: Corestore
  attachMaybe (muxer: Muxer, discoveryKey: Buffer): Promise<void>
}

/** A remote asking for a core that is stored but not open gets nothing. */
export const attachSkipsStored: Mutant = {
  name: 'attach-skips-stored',
  summary: 'dynamic attach serves only cores already open, not cores that are only in storage',
  apply: () => patch(Replication.prototype as unknown as ReplicationInternals, 'attachMaybe', (original) => async function (this: ReplicationInternals, muxer: Muxer, discoveryKey: Buffer) {
    if (!this.store.cores.opened(discoveryKey.toString('hex'))) return
    await original.call(this, muxer, discoveryKey)
  })
}
