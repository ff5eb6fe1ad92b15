import { Replication, type ReplicationHost } from '../../../src/store/replication'
import type { StoredCoreLookup } from '../../../src/store/stored-core-lookup'
import type { Muxer } from '../../../src/store/types'
import { patch, type Mutant } from './mutant'

interface ReplicationInternals {
  store: ReplicationHost
  lookup: StoredCoreLookup
  attachMaybe (muxer: Muxer, discoveryKey: Buffer): Promise<void>
}

/** Dynamic attach returns early when the stream died while the core opened: the core is never offered to GC (the bug fixed for issue 10). */
export const attachLeaksOnDeadStream: Mutant = {
  name: 'attach-leaks-on-dead-stream',
  summary: 'dynamic attach returns before checkIfIdle() when the stream died meanwhile: the core stays open for ever',
  apply: () => patch(Replication.prototype as unknown as ReplicationInternals, 'attachMaybe', () => async function (this: ReplicationInternals, muxer: Muxer, discoveryKey: Buffer) {
    const store = this.store
    if (store.closing !== null) return
    if (!store.opened) await store.ready()
    const id = discoveryKey.toString('hex')
    if (!store.cores.opened(id) && !(await this.lookup.hasMigrated(discoveryKey))) return
    if (store.isClosing()) return
    const core = store.openCore({ discoveryKey, key: null, keyPair: null, manifest: null }, { createIfMissing: false }, id)
    if (!core.opened) await core.ready()
    if (muxer.stream.destroying) return
    if (!core.replicator.attached(muxer)) core.replicator.attachTo(muxer)
    core.checkIfIdle()
  })
}
