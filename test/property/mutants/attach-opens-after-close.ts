import { Replication, type ReplicationHost } from '../../../src/store/replication'
import type { StoredCoreLookup } from '../../../src/store/stored-core-lookup'
import type { Muxer } from '../../../src/store/types'
import { patch, type Mutant } from './mutant'

interface ReplicationInternals {
  store: ReplicationHost
  lookup: StoredCoreLookup
  attachMaybe (muxer: Muxer, discoveryKey: Buffer): Promise<void>
}

/** Dynamic attach forgets that the store may have started closing while it looked the core up. */
export const attachOpensAfterClose: Mutant = {
  name: 'attach-opens-after-close',
  summary: 'dynamic attach does not re-check for close() after its storage look-up: a remote makes a closing store open a core',
  apply: () => patch(Replication.prototype as unknown as ReplicationInternals, 'attachMaybe', () => async function (this: ReplicationInternals, muxer: Muxer, discoveryKey: Buffer) {
    const store = this.store
    if (store.closing !== null) return
    if (!store.opened) await store.ready()
    const id = discoveryKey.toString('hex')
    if (!store.cores.opened(id) && !(await this.lookup.hasMigrated(discoveryKey))) return
    const core = store.openCore({ discoveryKey, key: null, keyPair: null, manifest: null }, { createIfMissing: false }, id)
    if (!core.opened) await core.ready()
    if (!muxer.stream.destroying && !core.replicator.attached(muxer)) core.replicator.attachTo(muxer)
    core.checkIfIdle()
  })
}
