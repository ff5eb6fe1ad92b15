import type Hypercore from 'hypercore'
import Corestore from '../../../src'
import { installClock, type VirtualClock } from '../harness/clock'
import { makeDir, removeDir } from '../harness/tmp-dirs'
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

  private constructor (clock: VirtualClock, dir: string, root: Corestore, opts: StoreWorldOptions) {
    this.clock = clock
    this.dir = dir
    this.root = root
    this.opts = opts
    this.stores.set(0, root)
    root.on('gc', (core: Hypercore.Core) => this.collected.push({ id: core.discoveryKey.toString('hex'), atMs: clock.nowMs() }))
  }

  /** Installs the fake clock, then opens the root store (so its GC timer is fake). */
  static async open (opts: StoreWorldOptions): Promise<StoreWorld> {
    const dir = await makeDir('store')
    const clock = installClock()
    try {
      const root = new Corestore(dir, { primaryKey: opts.primaryKey, gcIntervalMs: opts.gc.intervalMs, gcStrikes: opts.gc.strikes })
      await root.ready()
      return new StoreWorld(clock, dir, root, opts)
    } catch (err) {
      clock.uninstall()
      await removeDir(dir)
      throw err
    }
  }

  check (m: StoreModel): Promise<void> {
    return this.opts.invariant(m, this)
  }

  store (id: number): Corestore {
    const s = this.stores.get(id)
    if (s === undefined) throw new Error(`world has no store#${id}`)
    return s
  }

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

  /** Closes the root store (if still open), restores real timers and removes the folder. */
  async dispose (): Promise<void> {
    try {
      await this.root.close()
    } finally {
      this.clock.uninstall()
      await removeDir(this.dir)
    }
  }
}

/** A discovery key shortened for messages. */
export function short (hex: string): string {
  return hex.slice(0, 8)
}
