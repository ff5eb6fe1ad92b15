import { Replication, type ReplicationHost } from '../../../src/store/replication'
import type { StoredCoreLookup } from '../../../src/store/stored-core-lookup'
import type { Muxer } from '../../../src/store/types'
import { patch, type Restore } from './mutant'

interface ReplicationInternals {
  store: ReplicationHost
  lookup: StoredCoreLookup
  attachMaybe (muxer: Muxer, discoveryKey: Buffer): Promise<void>
}

/** What a planted bug breaks in the copy of dynamic attach. */
export interface AttachBug {
  /** No second check for close() after the storage look-up. */
  noCloseRecheck?: boolean
  /** Returns before checkIfIdle() when the stream died while the core opened. */
  returnOnDeadStream?: boolean
}

/**
 * Replaces dynamic attach (Replication's attachMaybe) with a copy of it that has `bug`,
 * for the planted bugs that change a step in the middle of it; returns the restore.
 */
export function plantAttachBug (bug: AttachBug): Restore {
  return patch(Replication.prototype as unknown as ReplicationInternals, 'attachMaybe', () => async function (this: ReplicationInternals, muxer: Muxer, discoveryKey: Buffer) {
    const store = this.store
    if (store.closing !== null) return
    if (!store.opened) await store.ready()
    const id = discoveryKey.toString('hex')
    if (!store.cores.opened(id) && !(await this.lookup.hasMigrated(discoveryKey))) return
    if (bug.noCloseRecheck !== true && store.isClosing()) return
    const core = store.openCore({ discoveryKey, key: null, keyPair: null, manifest: null }, { createIfMissing: false }, id)
    if (!core.opened) await core.ready()
    if (bug.returnOnDeadStream === true && muxer.stream.destroying) return
    if (!muxer.stream.destroying && !core.replicator.attached(muxer)) core.replicator.attachTo(muxer)
    core.checkIfIdle()
  })
}
