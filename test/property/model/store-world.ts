import type Hypercore from 'hypercore'
import Corestore from '../../../src'
import { installClock, type VirtualClock } from '../harness/clock'
import { makeDir, removeClosedStoreDir, removeDir } from '../harness/tmp-dirs'
import { pipe, type Pipe } from '../harness/pipe'
import type { ProtocolStream } from '../../../src/store/types'
import type { Checked } from '../harness/model-step'
import type { GcConfig, StoreModel } from './store-model'

/** Keys a core was opened under, learned from its first session. */
export interface CoreKeys {
  key: Buffer
  discoveryKey: Buffer
  /** Hex of the discovery key: the store's id of the core. */
  id: string
}

/** Options of `StoreWorld.open`. */
export interface StoreWorldOptions {
  gc: GcConfig
  /** 32-byte primary key, so keys are the same in every run of a seed. */
  primaryKey: Buffer
  /** The invariant checked after every step. */
  invariant: (m: StoreModel, w: StoreWorld) => Promise<void>
  /** Also open a peer store B that steps can replicate with. Default false. */
  withPeer?: boolean
}

/**
 * The real side of a single-store scenario: one root store over a fresh folder under
 * a fake clock, the store sessions and hypercore sessions the steps opened (by model
 * id), and the keys each named core got.
 */
export class StoreWorld implements Checked<StoreModel> {
  readonly clock: VirtualClock
  readonly dir: string
  readonly opts: StoreWorldOptions
  root: Corestore
  readonly stores = new Map<number, Corestore>()
  readonly sessions = new Map<number, Hypercore>()
  readonly keys = new Map<string, CoreKeys>()
  /** Cores the root reported collected, with the virtual time of the report. */
  readonly collected: Array<{ id: string, atMs: number }> = []
  /** Every core the root ever opened (store.watch), to check they all end closed. */
  readonly coresSeen: Hypercore.Core[] = []
  /** The peer store B, if the scenario has one, and its folder. */
  readonly peer: Corestore | null
  readonly peerDir: string | null
  /** Pipes to the peer, oldest first; every stream A made is in `streamsMade`. */
  readonly pipes: Pipe[] = []
  readonly streamsMade: ProtocolStream[] = []
  /** Sessions B opened, and sessions A handed out without waiting for ready(). */
  readonly peerSessions: Hypercore[] = []
  readonly unawaited: Hypercore[] = []

  private constructor (clock: VirtualClock, dir: string, root: Corestore, opts: StoreWorldOptions, peer: Corestore | null, peerDir: string | null) {
    this.clock = clock
    this.dir = dir
    this.root = root
    this.opts = opts
    this.peer = peer
    this.peerDir = peerDir
    this.stores.set(0, root)
    root.on('gc', (core: Hypercore.Core) => this.collected.push({ id: core.discoveryKey.toString('hex'), atMs: clock.nowMs() }))
    root.watch((core) => this.coresSeen.push(core))
  }

  /** Installs the fake clock, then opens the root store (so its GC timer is fake). */
  static async open (opts: StoreWorldOptions): Promise<StoreWorld> {
    const dir = await makeDir('store')
    const peerDir = opts.withPeer === true ? await makeDir('peer') : null
    const clock = installClock()
    const gc = { gcIntervalMs: opts.gc.intervalMs, gcStrikes: opts.gc.strikes }
    let root: Corestore | null = null
    let peer: Corestore | null = null
    try {
      root = new Corestore(dir, { ...gc, primaryKey: opts.primaryKey })
      await root.ready()
      if (peerDir !== null) {
        peer = new Corestore(peerDir, { ...gc, primaryKey: Buffer.alloc(32, 0xee) })
        await peer.ready()
      }
      return new StoreWorld(clock, dir, root, opts, peer, peerDir)
    } catch (err) {
      await peer?.close().catch(() => {})
      await root?.close().catch(() => {})
      clock.uninstall()
      await removeDir(dir)
      if (peerDir !== null) await removeDir(peerDir)
      throw err
    }
  }

  /** The scenario's invariant, after every step. */
  check (m: StoreModel): Promise<void> {
    return this.opts.invariant(m, this)
  }

  /** The store session with a model id; throws if the steps never made it. */
  store (id: number): Corestore {
    const s = this.stores.get(id)
    if (s === undefined) throw new Error(`world has no store#${id}`)
    return s
  }

  /** The hypercore session with a model id; throws if the steps never made it. */
  session (id: number): Hypercore {
    const s = this.sessions.get(id)
    if (s === undefined) throw new Error(`world has no session#${id}`)
    return s
  }

  /** The keys of a model core; throws if no session has opened it yet. */
  keysOf (core: string): CoreKeys {
    const k = this.keys.get(core)
    if (k === undefined) throw new Error(`no keys known for ${core}`)
    return k
  }

  /**
   * Records the keys a session of `core` opened with. Two model cores (a name in two
   * namespaces, say) landing on one discovery key is a violation in itself.
   */
  learnKeys (core: string, session: Hypercore): void {
    if (session.key === null || session.discoveryKey === null) throw new Error(`${core}: session has no key after ready()`)
    const id = session.discoveryKey.toString('hex')
    const known = this.keys.get(core)
    if (known !== undefined) {
      if (known.id !== id) throw new Error(`${core} opened under discovery key ${short(id)}, before under ${short(known.id)}`)
      return
    }
    for (const [other, k] of this.keys) {
      if (k.id === id) throw new Error(`${core} and ${other} are one core (discovery key ${short(id)}): names or namespaces collide`)
    }
    this.keys.set(core, { key: session.key, discoveryKey: session.discoveryKey, id })
  }

  /** Sessions whose ready() rejected: they never opened, so they hold nothing. */
  readonly failed = new WeakSet<Hypercore>()

  /** Keeps a session handed out without awaiting ready(); notes if it fails to open. */
  trackUnawaited (session: Hypercore): void {
    this.unawaited.push(session)
    session.ready().catch(() => { this.failed.add(session) })
  }

  /** Closes the root and opens a new one over the same folder (a clean restart). */
  async restart (): Promise<void> {
    for (const link of this.pipes) await link.destroy()
    await this.root.close()
    const root = new Corestore(this.dir, { primaryKey: this.opts.primaryKey, gcIntervalMs: this.opts.gc.intervalMs, gcStrikes: this.opts.gc.strikes })
    this.root = root
    this.stores.set(0, root)
    root.watch((core) => this.coresSeen.push(core))
    await root.ready()
  }

  /** Once close() resolved the folder is free: a new store opens it at once. Returns the failure, if any. */
  async reopenProblem (): Promise<Error | null> {
    const again = new Corestore(this.dir, { primaryKey: this.opts.primaryKey })
    try {
      await again.ready()
      return null
    } catch (err) {
      return new Error(`CLOSE: reopening the folder right after close() failed: ${err instanceof Error ? err.message : String(err)}`)
    } finally {
      await again.close().catch(() => {})
    }
  }

  /** Connects the root to the peer with a new pipe. */
  connect (): Pipe {
    if (this.peer === null) throw new Error('this world has no peer store')
    const link = pipe(this.root, this.peer)
    this.pipes.push(link)
    this.streamsMade.push(link.a)
    return link
  }

  /**
   * Closes everything (peer first), restores real timers and removes the folders.
   * A storage still open, or a folder still locked, once close() resolved is a
   * violation of its own.
   */
  async dispose (): Promise<void> {
    let problem: unknown = null
    try {
      for (const link of this.pipes) await link.destroy()
      await this.peer?.close()
      await this.root.close()
      if (!this.root.storage.closed) problem = new Error('CLOSE: root.close() resolved while its storage is still open')
      else problem = await this.reopenProblem()
    } finally {
      this.clock.uninstall()
      for (const dir of [this.dir, this.peerDir]) {
        if (dir !== null) await removeClosedStoreDir(dir).catch((err: unknown) => { problem ??= err })
      }
    }
    if (problem !== null) throw problem
  }
}

/** A discovery key shortened for messages. */
export function short (hex: string): string {
  return hex.slice(0, 8)
}
