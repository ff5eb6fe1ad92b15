import ReadyResource = require('ready-resource')
import Hypercore = require('hypercore')
import { CoreTracker, type WatchFn } from './core-tracker'
import { SessionTracker } from './session-tracker'
import { StreamTracker } from './stream-tracker'
import { FindingPeers } from './finding-peers'
import { GroupNotifiers, GroupNotifyHandle } from './group-notify'
import { loadPrimaryKey } from './primary-key'
import type { Auth } from './core-auth'
import { openSession, trackPreloading } from './session-open'
import { openSharedCore } from './shared-core'
import { createStaticCore } from './staticify'
import { Replication } from './replication'
import { closeRoot } from './root-close'
import { auditStore } from './audit'
import { DEFAULT_NAMESPACE, deriveKeyPair, deriveNamespace } from './key-derivation'
import { checkStoreOptions, resolveGcSettings, resolveSuspend } from './store-options'
import { asBuffer, isBytes, validateName } from './validate'
import { BAD_ARGUMENT, CORESTORE_CLOSED, STORAGE_LOCKED, isLockError } from './errors'
import type { TrackedSessions } from './session-tracker'
import type {
  AuditRecord, Core, CorestoreOptions, CorestoreStorage, GetOptions, KeyPair,
  ReplicateOptions, SessionOptions, ProtocolStream
} from './types'

interface InternalOptions extends CorestoreOptions {
  root?: Corestore
}

/**
 * A factory and registry of hypercores over one RocksDB storage: named cores with
 * derived keys, namespaces, shared sessions, replication of everything it holds,
 * and GC of idle cores. A drop-in for the `corestore` 7 package.
 *
 * Events: `ready`, `close`, `group-active (topic, update)`, and `gc (core)` on the
 * root store when idle-core GC has closed a core. While anyone listens for `gc`, the
 * GC timer keeps the process alive (it is unref'd otherwise), so awaiting the event
 * works.
 */
export class Corestore extends ReadyResource {
  /** The root store; null on the root itself. */
  readonly root: Corestore | null
  /** hypercore-storage's RocksDB store, shared by the root and all its sessions. */
  readonly storage: CorestoreStorage
  /** Open cores of the root store, by discovery key. */
  readonly cores: CoreTracker
  /** Hypercore sessions opened through this store session. */
  readonly sessions = new SessionTracker()
  /** Replication streams of the root store. */
  readonly streamTracker: StreamTracker
  /** Live store sessions of the root store. */
  readonly corestores: Set<Corestore>
  /** True when sessions are opened read-only by default. */
  readonly readOnly: boolean
  /** True when the storage was opened read-only (`readOnly: true` on the root). */
  readonly storageReadOnly: boolean
  /** Shared block cache passed to every core, or null. */
  readonly globalCache: unknown
  /** Namespace of named cores opened here. */
  readonly ns: Buffer
  /** Manifest version of cores made from a name or key pair. */
  readonly manifestVersion: number
  /** Whether `suspend()` suspends the storage. */
  readonly shouldSuspend: boolean
  /** Whether downloading cores attach to replication streams. */
  readonly active: boolean
  /** The 32-byte primary key; null until ready unless passed in. */
  primaryKey: Buffer | null

  private watchers: Set<WatchFn> | null = null
  private findingPeersState: FindingPeers | null = null
  private readonly pending = new Set<Hypercore>()
  // Made on the first replicate(): most store sessions never replicate.
  private replication: Replication | null = null
  private readonly groupNotifiers: GroupNotifiers
  // Shared by every session and core this store opens: a closure per get() or per
  // core costs ~100 bytes each and shows in session churn.
  private readonly ongcBound = (session: Hypercore): void => {
    this.sessions.gc((session.sessions as TrackedSessions).trackerId)
  }

  private readonly onGroupActiveBound = (topic: Buffer, update: unknown): void => {
    this.emit('group-active', topic, update)
    this.groupNotifiers.notify(topic, update)
  }

  constructor (storage: string | CorestoreStorage | null, opts: CorestoreOptions = {}) {
    super()
    const root = (opts as InternalOptions).root ?? null
    checkStoreOptions(storage, opts, root !== null)

    this.root = root
    this.storage = root !== null
      ? root.storage
      : Hypercore.defaultStorage(storage as string | CorestoreStorage, {
        id: opts.id ?? null,
        allowBackup: opts.allowBackup,
        readOnly: opts.readOnly,
        wait: opts.wait,
        treeCache: opts.treeCache
      })
    this.cores = root !== null
      ? root.cores
      : new CoreTracker(resolveGcSettings(opts, (core) => this.emit('gc', core)))
    this.streamTracker = root !== null ? root.streamTracker : new StreamTracker()
    this.corestores = root !== null ? root.corestores : new Set()
    this.groupNotifiers = root !== null ? root.groupNotifiers : new GroupNotifiers()
    this.readOnly = opts.writable === false || opts.readOnly === true
    this.storageReadOnly = root !== null ? root.storageReadOnly : opts.readOnly === true
    this.globalCache = root !== null ? root.globalCache : (opts.globalCache ?? null)
    this.primaryKey = root !== null ? root.primaryKey : bufferOrNull(opts.primaryKey)
    this.ns = bufferOrNull(opts.namespace) ?? DEFAULT_NAMESPACE
    // `||`, not `??`: upstream reads 0 as "use the default", and the same options must give the same keys.
    this.manifestVersion = opts.manifestVersion || 1
    this.shouldSuspend = resolveSuspend(opts)
    this.active = opts.active !== false

    if (root !== null) this.corestores.add(this)
    else {
      this.on('newListener', onNewListener)
      this.on('removeListener', onRemoveListener)
    }
    this.ready().catch(noop)
  }

  /** Calls `fn` with every core opened from now on (weak references, monitoring). */
  watch (fn: WatchFn): void {
    if (this.watchers === null) {
      this.watchers = new Set()
      this.cores.watch(this.watchers)
    }
    this.watchers.add(fn)
  }

  /** Stops calling a function registered with `watch`. */
  unwatch (fn: WatchFn): void {
    if (this.watchers === null) return
    this.watchers.delete(fn)
    if (this.watchers.size > 0) return
    this.cores.unwatch(this.watchers)
    this.watchers = null
  }

  /** A handle that emits `update` for every core of a group (experimental upstream API). */
  notifyGroup (topic: Uint8Array): GroupNotifyHandle {
    if (!isBytes(topic)) throw BAD_ARGUMENT('notifyGroup() takes a buffer topic')
    const handle = new GroupNotifyHandle(this, asBuffer(topic))
    this.groupNotifiers.add(handle)
    return handle
  }

  /** @internal Called by a handle's destroy(). */
  removeGroupNotify (handle: GroupNotifyHandle): void {
    this.groupNotifiers.remove(handle)
  }

  /** Makes every session wait for peers until the returned function is called. */
  findingPeers (): () => void {
    if (this.findingPeersState === null) this.findingPeersState = new FindingPeers()
    const state = this.findingPeersState
    state.inc(this.sessions)
    let done = false
    return () => {
      if (done || this.findingPeersState !== state) return
      done = true
      state.dec()
    }
  }

  /** Audits every stored core; yields one record per core. */
  audit (opts: { dryRun?: boolean } = {}): AsyncGenerator<AuditRecord> {
    return auditStore(this, opts)
  }

  /** Flushes and suspends the storage (mobile apps going to background). */
  async suspend (opts: { log?: (msg: string) => unknown } = {}): Promise<void> {
    if (!this.shouldSuspend) return
    const log = opts.log ?? noop
    await log('Suspending db...')
    await this.storage.suspend({ log })
    await log('Suspending db completed')
  }

  /** Resumes a suspended storage. */
  resume (): Promise<void> {
    return this.storage.resume()
  }

  /** A store session: shares cores and storage; closing it closes only what it opened. */
  session (opts: SessionOptions = {}): Corestore {
    this.assertOpen()
    const root = this.root ?? this
    // As upstream, `writable: false` is this store session's own default, not inherited.
    // A read-only storage is: upstream's sessions of it claim to be writable and their
    // appends fail with an uncoded "Batch was not applied".
    const inherited = { manifestVersion: this.manifestVersion, readOnly: this.storageReadOnly ? true : undefined }
    return new Corestore(null, { ...inherited, ...opts, root } as InternalOptions)
  }

  /** A session whose named cores live in a namespace derived from this one and `name`. */
  namespace (name: string | Uint8Array, opts: SessionOptions = {}): Corestore {
    validateName(name)
    return this.session({ ...opts, namespace: deriveNamespace(this.ns, name) })
  }

  /** Streams the discovery keys of stored cores, of one namespace or all. */
  list (namespace?: Buffer): AsyncIterable<Buffer> {
    return this.storage.createDiscoveryKeyStream(namespace)
  }

  /** The stored manifest, key and key pair of a core, or null. */
  getAuth (discoveryKey: Buffer): Promise<unknown> {
    return this.storage.getAuth(discoveryKey)
  }

  /** Derives the key pair of a named core in a namespace (default: this store's). */
  async createKeyPair (name: string | Uint8Array, ns: Uint8Array = this.ns): Promise<KeyPair> {
    validateName(name)
    if (!this.opened) await this.ready()
    // ready() resolved, so the primary key is loaded.
    return deriveKeyPair(this.primaryKey as Buffer, asBuffer(ns), name)
  }

  /** Replicates every core of the store over a new or given stream or muxer. */
  replicate (isInitiator: boolean | ProtocolStream | object, opts: ReplicateOptions = {}): ProtocolStream {
    this.assertOpen()
    if (this.replication === null) this.replication = new Replication(this)
    return this.replication.replicate(isInitiator, opts)
  }

  /** Freezes a copy of a core at its current length under a key with no signers. */
  async staticify (session: Hypercore, opts: GetOptions = {}): Promise<Hypercore> {
    if (!this.opened) await this.ready()
    if (!session.opened) await session.ready()
    const key = await createStaticCore(this.storage, session.core as Core)
    const staticCore = this.get({ ...opts, key })
    await staticCore.ready()
    return staticCore
  }

  /** Opens a session on a core, by name, key, key pair, manifest or discovery key. */
  get (input?: GetOptions | Uint8Array | string): Hypercore {
    return openSession(this, input, this.ongcBound)
  }

  /** @internal The hypercore session for a config (see SessionHost.makeSession). */
  makeSession (conf: Hypercore.SessionConfig, preloading: boolean): Hypercore {
    const session = new Hypercore(null, null, conf)
    if (this.findingPeersState !== null) this.findingPeersState.add(session)
    if (preloading) trackPreloading(this.pending, session)
    return session
  }

  /** @internal The shared core for an auth, made (and tracked) if not open. */
  openCore (auth: Auth, opts: GetOptions, id = auth.discoveryKey.toString('hex')): Core {
    return openSharedCore(this, auth, opts, id, this.onGroupActiveBound)
  }

  /** @internal True once this store or its root has started closing. */
  isClosing (): boolean {
    return this.closing !== null || (this.root !== null && this.root.closing !== null)
  }

  /** @internal Throws CORESTORE_CLOSED if this store or its root is closing. */
  assertOpen (): void {
    if (this.isClosing()) throw CORESTORE_CLOSED()
  }

  protected override async _open (): Promise<void> {
    if (this.root !== null) {
      if (!this.root.opened) await this.root.ready()
      this.primaryKey = this.root.primaryKey
      return
    }
    try {
      this.primaryKey = await loadPrimaryKey(this.storage, this.primaryKey)
    } catch (err) {
      // ReadyResource never runs _close() after a failed open: release the lock and
      // forget the streams made before ready() here, or they outlive the store.
      this.replication?.close()
      this.streamTracker.clear()
      await this.storage.close().catch(noop)
      throw isLockError(err) ? STORAGE_LOCKED(this.storage.path, err) : err
    }
  }

  protected override async _close (): Promise<void> {
    const closing: Array<Promise<void>> = []
    for (const session of [...this.sessions, ...this.pending]) closing.push(session.close().catch(noop))
    if (this.watchers !== null) {
      this.cores.unwatch(this.watchers)
      this.watchers = null
    }
    if (this.findingPeersState !== null) {
      this.findingPeersState.destroy()
      this.findingPeersState = null
    }
    this.replication?.close()

    if (this.root !== null) {
      await Promise.all(closing)
      this.corestores.delete(this)
      return
    }
    await closeRoot(this, closing)
  }
}

function noop (): void {}

// On the root store only: `this` is the store.
function onNewListener (this: Corestore, event: string | symbol): void {
  if (event === 'gc') this.cores.setReferenced(true)
}

function onRemoveListener (this: Corestore, event: string | symbol): void {
  if (event === 'gc' && this.listenerCount('gc') === 0) this.cores.setReferenced(false)
}

function bufferOrNull (v: Uint8Array | null | undefined): Buffer | null {
  return v === undefined || v === null ? null : asBuffer(v)
}
