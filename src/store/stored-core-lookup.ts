import type { CorestoreStorage } from './types'

interface Pending {
  discoveryKey: Buffer
  resolve: (stored: boolean) => void
  reject: (err: unknown) => void
}

/**
 * Answers "is this core stored (and migrated)?" for dynamic attach, batching every
 * question asked in the same tick into one storage read. A remote that opens many
 * channels at once sends them in one frame, so they arrive in one tick.
 */
export class StoredCoreLookup {
  private readonly storage: CorestoreStorage
  private queue: Pending[] = []
  private readonly flushBound = this.flush.bind(this)

  constructor (storage: CorestoreStorage) {
    this.storage = storage
  }

  /** True if a core is stored under the discovery key and is not waiting for migration. */
  hasMigrated (discoveryKey: Buffer): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.queue.push({ discoveryKey, resolve, reject }) === 1) queueMicrotask(this.flushBound)
    })
  }

  private flush (): void {
    const batch = this.queue
    this.queue = []
    const only = batch.length === 1 ? batch[0] : undefined
    if (only !== undefined) {
      // getInfos costs a second (empty) read: one key is cheaper asked directly.
      this.storage.hasCore(only.discoveryKey, { ifMigrated: true }).then(only.resolve, only.reject)
      return
    }
    const keys = batch.map((p) => p.discoveryKey)
    this.storage.getInfos(keys, { auth: false, head: false, hints: false }).then((infos) => {
      for (let i = 0; i < batch.length; i++) {
        const info = infos[i]
        // version 0 is a pre-RocksDB core: migrating it is not a remote's call to make.
        batch[i]?.resolve(info !== null && info !== undefined && info.core.version >= 1)
      }
    }, (err: unknown) => {
      for (const p of batch) p.reject(err)
    })
  }
}
