import Hypercore from 'hypercore'
import { addDiscoveryHandler } from './discovery-dispatch'
import { StoredCoreLookup } from './stored-core-lookup'
import type { Corestore } from './corestore'
import type { Core, Muxer, ProtocolStream, ReplicateOptions } from './types'

/**
 * Replication of one store session: opens protocol streams, attaches the open
 * cores to them, and attaches stored cores on demand when the remote asks for
 * their discovery key.
 */
export class Replication {
  private readonly store: Corestore
  private readonly detachers = new Set<() => void>()
  private readonly muxers = new WeakSet<Muxer>()
  private readonly lookup: StoredCoreLookup

  constructor (store: Corestore) {
    this.store = store
    this.lookup = new StoredCoreLookup(store.storage)
  }

  replicate (isInitiator: boolean | ProtocolStream | object, opts: ReplicateOptions): ProtocolStream {
    // Our own discovery handler replaces any the caller passed, as upstream does.
    const { ondiscoverykey: _ignored, ...rest } = opts
    const external = typeof isInitiator === 'object' && isInitiator !== null
    const stream = Hypercore.createProtocolStream(isInitiator, rest)
    const muxer = Hypercore.getProtocolMuxer(stream)

    // replicate() twice on one muxer must not look every discovery key up twice.
    if (!this.muxers.has(muxer)) {
      this.muxers.add(muxer)
      const detach = addDiscoveryHandler(muxer, (discoveryKey) => this.attachMaybe(muxer, discoveryKey))
      this.detachers.add(detach)
      stream.once('close', () => {
        detach()
        this.detachers.delete(detach)
        this.muxers.delete(muxer)
      })
    }

    const { cores, streamTracker } = this.store
    if (cores.size > 0) {
      // Corked so the remote sees every open core in the first batch.
      muxer.cork()
      for (const core of cores) {
        if (this.shouldReplicate(core, muxer)) core.replicator.attachTo(muxer)
      }
      stream.noiseStream.opened.then(() => muxer.uncork(), () => muxer.uncork())
    }

    streamTracker.add(stream, muxer, external)
    return stream
  }

  private shouldReplicate (core: Core, muxer: Muxer): boolean {
    return this.store.active && core.opened && core.replicator.downloading && !core.replicator.attached(muxer)
  }

  private async attachMaybe (muxer: Muxer, discoveryKey: Buffer): Promise<void> {
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
    // Attached with no session: let GC collect it once replication is done.
    core.checkIfIdle()
  }

  /** Stops dynamic attach on every stream of this store session. */
  close (): void {
    for (const detach of this.detachers) detach()
    this.detachers.clear()
  }
}
