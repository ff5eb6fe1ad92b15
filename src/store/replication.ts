import Hypercore = require('hypercore')
import { addDiscoveryHandler } from './discovery-dispatch'
import { StoredCoreLookup } from './stored-core-lookup'
import type { Auth } from './core-auth'
import type { CoreTracker } from './core-tracker'
import type { StreamTracker } from './stream-tracker'
import type { Core, CorestoreStorage, GetOptions, Muxer, ProtocolStream, ReplicateOptions } from './types'

/** What replication needs of the store session it serves (the store passes itself). */
export interface ReplicationHost {
  readonly storage: CorestoreStorage
  readonly cores: CoreTracker
  readonly streamTracker: StreamTracker
  /** Whether downloading cores attach to streams. */
  readonly active: boolean
  readonly opened: boolean
  readonly closing: Promise<void> | null
  ready (): Promise<void>
  /** True once this store session or its root started closing. */
  isClosing (): boolean
  /** The shared core for an auth, made (and tracked) if not open. */
  openCore (auth: Auth, opts: GetOptions, id?: string): Core
}

/**
 * Replication of one store session: opens protocol streams, attaches the open
 * cores to them, and attaches stored cores on demand when the remote asks for
 * their discovery key.
 */
export class Replication {
  private readonly store: ReplicationHost
  // One per muxer: stops dynamic attach on it and takes the close listener off its stream.
  private readonly detachers = new Map<Muxer, () => void>()
  private readonly lookup: StoredCoreLookup

  constructor (store: ReplicationHost) {
    this.store = store
    this.lookup = new StoredCoreLookup(store.storage)
  }

  replicate (isInitiator: boolean | ProtocolStream | object, opts: ReplicateOptions): ProtocolStream {
    // Our own discovery handler replaces any the caller passed, as upstream does.
    const { ondiscoverykey: _ignored, ...rest } = opts
    const stream = Hypercore.createProtocolStream(isInitiator, rest)
    const muxer = Hypercore.getProtocolMuxer(stream)

    // replicate() twice on one muxer must not look every discovery key up twice.
    if (!this.detachers.has(muxer)) {
      const unpair = addDiscoveryHandler(muxer, (discoveryKey) => this.attachMaybe(muxer, discoveryKey))
      const detach = (): void => {
        unpair()
        stream.removeListener('close', detach)
        this.detachers.delete(muxer)
      }
      this.detachers.set(muxer, detach)
      stream.once('close', detach)
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

    streamTracker.add(stream, muxer)
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
    // The stream may have died while the core opened: no attach then, but the core
    // was opened for it and no session holds it, so it must still be offered to GC.
    if (!muxer.stream.destroying && !core.replicator.attached(muxer)) core.replicator.attachTo(muxer)
    // Attached with no session: let GC collect it once replication is done.
    core.checkIfIdle()
  }

  /** Stops dynamic attach on every stream of this store session (the streams stay the caller's). */
  close (): void {
    for (const detach of [...this.detachers.values()]) detach()
  }
}
