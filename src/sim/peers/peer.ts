import type Hypercore = require('hypercore')
import type { CatalogEntry, CoreCatalog } from './catalog'
import type { SimCore, StoreFactory, StoreLike } from './store-factory'
import { AppendLedger } from './append-ledger'
import type { PeerOptions } from './peer-options'
import { TempSessions } from './temp-sessions'
import type { GcTiming } from '../checks/gc-timing'

/** Sees what a peer's stores do, for the liveness checks (liveness.ts). */
export interface StoreObserver {
  /** The store started tracking a core (any core: dynamic attach included). */
  core (store: StoreLike, core: SimCore): void
  /** The peer is about to close the store. */
  closing (store: StoreLike): void
  /** The store's close() resolved. */
  closed (store: StoreLike): void
}

const NO_OBSERVER: StoreObserver = { core: noop, closing: noop, closed: noop }

/** `up`: running; `crashed`: state dropped, folder kept; `closed`: closed cleanly. */
export type PeerState = 'up' | 'crashed' | 'closed'

/** hypercore-storage's CorestoreStorage as a crash needs it: its RocksDB root. */
interface CrashableStorage {
  rocks?: { close (opts?: { force?: boolean }): Promise<void> }
  closed?: boolean
}

/** hypercore's replicator field the simulator pins (hypercore 11.37). */
interface LingerReplicator {
  _notDownloadingLinger: number
}

/**
 * One simulated process: a store over its own folder, plus the simulator's model of
 * it (sessions it opened, appends acknowledged to it, cores it holds).
 *
 * A crash (`crash()`) is a process death, with the same guarantee a real SIGKILL gives
 * (docs/ARCHITECTURE.md, test/integration/crash-agreement.test.ts):
 * - kept: every append whose promise resolved (the model's `acked`);
 * - an append in flight (promise not resolved) is kept whole if its RocksDB write
 *   batch was submitted before the crash, else dropped whole (`inflight` records its
 *   size). RocksDB applies a submitted batch atomically; the crash closes every RocksDB
 *   session before the dead store sees another storage completion, and hypercore-storage
 *   only builds a batch when it flushes, so nothing is submitted after the crash;
 * - on restart: length is `acked` or `acked + inflight`, every block exact,
 *   contiguousLength equal to length, and the writer appends on under the same key;
 * - lost: everything in memory: sessions, open cores, replication and pending
 *   requests, timers, GC state.
 * Not modelled here: torn writes, an OS crash; a power loss is a crash followed by
 * the disk going back to its last sync point (Lifecycle.powerLoss).
 * A clean `close()` closes the store as an application would.
 */
export class Peer {
  /** Index in the simulation. */
  readonly index: number
  /** Storage folder, reused across restarts. */
  readonly dir: string
  /** Primary key, derived from the run's seed. */
  readonly primaryKey: Buffer
  /** The running store; null when crashed or closed. */
  store: StoreLike | null = null
  state: PeerState = 'closed'
  /** While it sleeps (a `sleep` fault, see Lifecycle.sleepPeer): the store its app suspended and the fault's id; else null. */
  asleep: { store: StoreLike, fault: number } | null = null
  /** Model: sessions the simulator opened and has not closed, per core index. */
  readonly sessions = new Map<number, Hypercore[]>()
  /** Model: its appends (acknowledged, in flight at a crash, in doubt after a disk error). */
  private readonly appends = new AppendLedger()
  /** Model: acknowledged length per core index (see AppendLedger). */
  readonly acked = this.appends.acked
  /** Model: appends in flight when the store went away, per core index (see AppendLedger). */
  readonly inflight = this.appends.inflight
  /** Model: appends that failed with a disk error since the last durability check (see AppendLedger). */
  readonly inDoubt = this.appends.inDoubt
  /** Model: acknowledged blocks a power loss took, per core index (see AppendLedger.lost). */
  readonly lostAcked = this.appends.lost
  /** Model: cores this peer has stored (it opened a session on them). */
  readonly holds = new Set<number>()
  /** Cores GC closed while the store was up. */
  collected = 0
  /** Called when GC closed a core: core index (-1 if not in the catalog). */
  oncollect: (core: number) => void = noop
  /**
   * Cores (catalog index) on which hypercore detected two conflicting signatures of the
   * writer and closed every session (it does so after a writer signed over a tree node
   * it read rotten): the model's sessions there are gone, and the session checks skip
   * the core from then on (counted: `conflicts`).
   */
  readonly conflicted = new Set<number>()
  /** Called when hypercore reports a conflict on a core (catalog index, -1 if not in it). */
  onconflict: (core: number) => void = noop
  /** Called the moment GC starts closing a core, synchronously (see GcRacer). */
  onclosing: (core: SimCore) => void = noop
  /** Times GC closes (null: untimed). */
  gcTiming: GcTiming | null = null
  /** Called when GC closed a core at a moment its strikes do not allow: core index (-1 if not in the catalog). */
  ongctiming: (core: number, detail: string) => void = noop
  /** Sees its stores' cores and closes (see LivenessChecks). */
  observer: StoreObserver = NO_OBSERVER
  /** Stores this peer made (restarts make new ones) not yet closed, for the close audit. */
  readonly openStores = new Set<StoreLike>()
  /** Why a store's close failed where nobody could be told (a failed open, a crash): the close audit names it. */
  readonly closeErrors = new WeakMap<StoreLike, unknown>()
  /** Cores any of its stores opened, not yet closed, for the close audit and GcRacer. */
  readonly openCores = new Set<SimCore>()
  /** Sessions the simulator opened on it, not yet closed, for the close audit. */
  readonly openSessions = new Set<Hypercore>()
  /** Sessions left open for the store's close (`leaveOpen`), until closed. */
  private readonly leftOpen = new Set<Hypercore>()
  /** Sessions the model does not track (`tempSession`), until closed. */
  readonly tempSessions = new TempSessions()

  private readonly factory: StoreFactory
  private readonly opts: Readonly<Required<PeerOptions>>
  private readonly catalog: CoreCatalog

  /** `opts` are resolved options (`checkPeerOptions`), checked once where the simulation is made. */
  constructor (index: number, dir: string, primaryKey: Buffer, factory: StoreFactory, catalog: CoreCatalog, opts: Readonly<Required<PeerOptions>>) {
    this.index = index
    this.dir = dir
    this.primaryKey = primaryKey
    this.factory = factory
    this.catalog = catalog
    this.opts = opts
  }

  /** True while the store runs. */
  get up (): boolean {
    return this.state === 'up' && this.store !== null
  }

  /** The running store; throws if the peer is down. */
  requireStore (): StoreLike {
    if (this.store === null || this.state !== 'up') throw new Error(`peer ${this.index} is down`)
    return this.store
  }

  /** Makes a store over the folder and waits for it to be ready. */
  async open (): Promise<void> {
    if (this.store !== null) throw new Error(`peer ${this.index} is running`)
    const store = this.factory.create(this.dir, {
      primaryKey: this.primaryKey,
      gcIntervalMs: this.opts.gcIntervalMs,
      gcStrikes: this.opts.gcStrikes
    })
    this.openStores.add(store)
    store.watch((core) => this.track(store, core))
    this.store = store
    this.state = 'up'
    try {
      await store.ready()
    } catch (err) {
      this.store = null
      this.state = 'crashed'
      await this.closeStore(store).catch((closeErr: unknown) => { this.closeErrors.set(store, closeErr) })
      throw err
    }
  }

  private track (store: StoreLike, core: SimCore): void {
    this.observer.core(store, core)
    this.openCores.add(core)
    // A core whose open failed (a disk fault) is dropped by the store and holds nothing,
    // but hypercore never marks it closed: its close() rethrows the open's error.
    core.ready().catch(() => { if (!core.opened) this.openCores.delete(core) })
    ;(core.replicator as unknown as LingerReplicator)._notDownloadingLinger = this.opts.notDownloadingLingerMs
    this.watchConflicts(core)
    const timing = this.gcTiming
    if (timing !== null) {
      const onidle = core.onidle
      core.onidle = () => {
        timing.idle(core)
        onidle.call(core)
      }
    }
    const close = core.close
    // Only GC and the store's own close() close a core; the latter is excluded by `up`.
    core.close = () => {
      const up = this.store === store && this.state === 'up'
      // Timed before the close starts: closing may report the core idle once more.
      const wrong = up && core.closing === null ? timing?.check(core) ?? null : null
      const closing = close.call(core)
      const forget = (): void => { if (core.closed) this.openCores.delete(core) }
      closing.then(forget, forget)
      if (up) {
        if (wrong !== null) this.ongctiming(this.catalog.indexOf(core.discoveryKey.toString('hex')), wrong)
        this.onclosing(core)
        const done = (): void => { if (this.store === store && this.state === 'up') this.collect(core) }
        closing.then(done, done)
      }
      return closing
    }
  }

  // hypercore 11.37's Core._onconflict closes every session of the core with an error.
  private watchConflicts (core: SimCore): void {
    const c = core as unknown as { _onconflict?: (proof: unknown) => Promise<void> }
    const original = c._onconflict
    if (typeof original !== 'function') return
    c._onconflict = (proof: unknown) => {
      const index = this.catalog.indexOf(core.discoveryKey.toString('hex'))
      if (index !== -1) {
        this.conflicted.add(index)
        this.sessions.delete(index)
      }
      this.onconflict(index)
      return original.call(core, proof)
    }
  }

  private collect (core: SimCore): void {
    this.collected++
    this.oncollect(this.catalog.indexOf(core.discoveryKey.toString('hex')))
  }

  /** Options for `store.get()` of a core from this peer: by name if it owns it, else by key. */
  getOptions (entry: CatalogEntry): Record<string, unknown> {
    const base = { notDownloadingLinger: this.opts.notDownloadingLingerMs }
    return entry.owner === this.index ? { ...base, name: entry.name } : { ...base, key: entry.key }
  }

  /** Opens a session the model tracks. */
  async openSession (entry: CatalogEntry): Promise<Hypercore> {
    const session = this.trackSession(this.requireStore().get(this.getOptions(entry)))
    let list = this.sessions.get(entry.index)
    if (list === undefined) this.sessions.set(entry.index, (list = []))
    list.push(session)
    this.holds.add(entry.index)
    await session.ready()
    return session
  }

  /** Opens a session the model does not track (closed by the caller within the step). */
  tempSession (entry: CatalogEntry): Hypercore {
    const session = this.trackSession(this.requireStore().get(this.getOptions(entry)))
    this.holds.add(entry.index)
    this.tempSessions.add(entry.index, session)
    return session
  }

  /**
   * Tracks a session the caller leaves open for the store's close to close (the store
   * session that opened it too): the close audit (`left-open`) finds it if nothing did.
   */
  leaveOpen (session: Hypercore): Hypercore {
    this.leftOpen.add(session)
    session.once('close', () => this.leftOpen.delete(session))
    return this.trackSession(session)
  }

  /** True when a session left open for the store's close (`leaveOpen`) holds `core`. */
  leavesOpen (core: SimCore): boolean {
    for (const s of this.leftOpen) if (!s.closed && (s.core as unknown) === core) return true
    return false
  }

  /** Temporary sessions on a core the store should track, and how many have opened (TempSessions.count). */
  openTempSessions (core: number): { tracked: number, opened: number } {
    return this.tempSessions.count(core, (s) => this.openSessions.has(s))
  }

  private trackSession (session: Hypercore): Hypercore {
    this.openSessions.add(session)
    session.once('close', () => this.openSessions.delete(session))
    // A session whose open failed before it reached a core (the store's preload: an
    // alias read failing) holds nothing, yet hypercore never marks it closed.
    session.ready().catch(() => { if (session.core === null) this.openSessions.delete(session) })
    return session
  }

  private async closeStore (store: StoreLike): Promise<void> {
    this.observer.closing(store)
    await store.close()
    this.observer.closed(store)
    this.openStores.delete(store)
  }

  /** Closes the oldest tracked session on a core; false if there is none. */
  async closeSession (core: number): Promise<boolean> {
    const list = this.sessions.get(core)
    const session = list?.shift()
    if (list !== undefined && list.length === 0) this.sessions.delete(core)
    if (session === undefined) return false
    await session.close()
    return true
  }

  /** A tracked session on a core, if any. */
  session (core: number): Hypercore | null {
    return this.sessions.get(core)?.[0] ?? null
  }

  /** Records an acknowledged length. */
  ack (core: number, length: number): void {
    this.appends.ack(core, length)
  }

  /** Its disk reached a sync point: what is acknowledged now survives a power loss. */
  synced (): void {
    this.appends.markSynced()
  }

  /** After a crash, its disk lost what was not synced: returns the acknowledged blocks that may be gone (AppendLedger.losePower). */
  lostPower (): number {
    return this.appends.losePower()
  }

  /**
   * Tracks an append of `blocks` blocks started on the running store: acknowledged
   * when its promise resolves while that store still runs, and recorded in `inflight`
   * if the peer crashes first. A result arriving after the crash is ignored: a dead
   * process acknowledges nothing. Returns `appending`, whose rejection is handled here.
   */
  trackAppend (core: number, blocks: number, appending: Promise<{ length: number }>): Promise<{ length: number }> {
    const store = this.requireStore()
    return this.appends.track(core, blocks, appending, () => this.store === store && this.state === 'up')
  }

  /**
   * Simulates a process crash (see the class comment for what it keeps and drops). The
   * caller has already cut the peer's links. Appends in flight are recorded in
   * `inflight`; RocksDB is closed directly (`force` closes its sessions first, before
   * any storage completion is delivered again) so the folder (and its lock) can be
   * reopened in this process: it keeps what RocksDB applied and nothing else. Then the
   * abandoned objects are closed to release their timers: with the database gone they
   * cannot write anything more. `dropApp` runs at that point too, before the store is
   * closed: an application's objects (a workload's) are abandoned the same way.
   */
  async crash (dropApp?: () => Promise<void>): Promise<void> {
    const store = this.store
    if (store === null) return
    this.store = null
    this.state = 'crashed'
    this.sessions.clear()
    this.tempSessions.clear()
    this.appends.stop()
    const storage = store.storage as CrashableStorage
    if (storage.rocks !== undefined) await storage.rocks.close({ force: true })
    if (dropApp !== undefined) await dropApp().catch(noop)
    await this.closeStore(store).catch((err: unknown) => { this.closeErrors.set(store, err) })
  }

  /** Closes the store cleanly. */
  async close (): Promise<void> {
    const store = this.store
    if (store === null) {
      this.state = 'closed'
      return
    }
    this.store = null
    this.state = 'closed'
    this.sessions.clear()
    this.tempSessions.clear()
    this.appends.stop()
    await this.closeStore(store)
  }
}

function noop (): void {}
