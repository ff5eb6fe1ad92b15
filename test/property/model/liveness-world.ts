import { realNow } from '../harness/real-time'
import type fc from 'fast-check'
import type Hypercore from 'hypercore'
import Corestore from '../../../src'
import type { Core, CorestoreStorage, ProtocolStream } from '../../../src/store/types'
import { installClock, type VirtualClock } from '../harness/clock'
import { pipe, type Pipe } from '../harness/pipe'
import { makeDir, removeClosedStoreDir, removeDir } from '../harness/tmp-dirs'
import { realDelay } from '../harness/watchdog'

// The liveness properties run every scenario on our store and on upstream corestore
// 7.12.5, with the same GC timing (upstream's is fixed: every 2 s, 4 strikes).

/** Which store a liveness world runs. */
export type StoreKind = 'ours' | 'upstream'

/** Both, in the order the properties run them. */
export const STORE_KINDS: readonly StoreKind[] = ['ours', 'upstream']

/** Upstream's fixed GC period, in ms; ours is given the same. */
export const GC_INTERVAL_MS = 2000
/** Upstream's fixed strike count; ours is given the same. */
export const GC_STRIKES = 4

/** What the liveness properties use of a store: ours and upstream both have it. */
export interface LiveStore {
  ready (): Promise<void>
  close (): Promise<void>
  readonly closing: Promise<void> | null
  readonly closed: boolean
  readonly storage: CorestoreStorage
  get (opts: Record<string, unknown>): Hypercore
  replicate (isInitiator: boolean): ProtocolStream
  watch (fn: (core: Core) => void): void
  unwatch (fn: (core: Core) => void): void
  /** The live core for a discovery key; null when missing or closing. */
  readonly cores: { get (id: Buffer): Core | null }
}

// The package ships no typings: the cast gives it the shape above.
const Upstream = require('corestore') as new (dir: string, opts: Record<string, unknown>) => LiveStore

/** A store of the given kind, with upstream's GC timing. */
export function makeStore (kind: StoreKind, dir: string, keyByte: number): LiveStore {
  const primaryKey = Buffer.alloc(32, keyByte)
  if (kind === 'upstream') return new Upstream(dir, { primaryKey, unsafe: true })
  return new Corestore(dir, { primaryKey, gcIntervalMs: GC_INTERVAL_MS, gcStrikes: GC_STRIKES }) as unknown as LiveStore
}

/** Virtual time after which an idle core is surely collected, in ms (strikes plus one interval of slack). */
export const COLLECT_MS = (GC_STRIKES + 1) * GC_INTERVAL_MS

/**
 * A store `a`, optionally a peer `b` piped to it, on a virtual clock, and every core
 * `a` ever tracked (its `watch`), for the checks.
 */
export class LiveWorld {
  readonly kind: StoreKind
  readonly clock: VirtualClock
  readonly a: LiveStore
  readonly b: LiveStore | null
  readonly coresOfA: Core[] = []
  link: Pipe | null = null
  /** Storage look-ups of `a` routed through a scheduler so far (see routeThroughScheduler). */
  lookups = 0
  private readonly dirs: string[]
  private readonly onCore = (core: Core): void => { this.coresOfA.push(core) }

  private constructor (kind: StoreKind, clock: VirtualClock, dirs: string[], a: LiveStore, b: LiveStore | null) {
    this.kind = kind
    this.clock = clock
    this.dirs = dirs
    this.a = a
    this.b = b
    a.watch(this.onCore)
  }

  /** Opens the world; `stored` names cores `a` writes one block to and closes before anything else runs. */
  static async open (kind: StoreKind, withPeer: boolean, stored: number): Promise<LiveWorld & { keys: Buffer[] }> {
    const dirs = [await makeDir(`live-${kind}-a`)]
    if (withPeer) dirs.push(await makeDir(`live-${kind}-b`))
    const clock = installClock()
    const opened: LiveStore[] = []
    try {
      const a = makeStore(kind, dirs[0] as string, 1)
      opened.push(a)
      await a.ready()
      const keys: Buffer[] = []
      for (let i = 0; i < stored; i++) {
        const s = a.get({ name: `c${i}` })
        await s.append(`c${i}#0`)
        keys.push(s.key as Buffer)
        await s.close()
      }
      // Lets GC collect the stored cores: the scenario starts from a store with nothing open.
      await clock.advance(COLLECT_MS)
      let b: LiveStore | null = null
      if (withPeer) {
        b = makeStore(kind, dirs[1] as string, 2)
        opened.push(b)
        await b.ready()
      }
      return Object.assign(new LiveWorld(kind, clock, dirs, a, b), { keys })
    } catch (err) {
      for (const store of opened) await store.close().catch(noop)
      clock.uninstall()
      for (const dir of dirs) await removeDir(dir)
      throw err
    }
  }

  /** Pipes `a` and `b` (replacing a link that is down). */
  connect (): Pipe {
    if (this.b === null) throw new Error('no peer')
    if (this.link !== null && !this.link.down) return this.link
    this.link = pipe(this.a, this.b)
    return this.link
  }

  /** Cores `a` tracked that are open (opened, not closed, not closing). */
  openCoresOfA (): Core[] {
    return this.coresOfA.filter((c) => c.opened && !c.closed && c.closing === null)
  }

  /** Closes everything left, restores real timers, removes the folders. */
  async dispose (): Promise<void> {
    try {
      this.a.unwatch(this.onCore)
      if (this.link !== null) await this.link.destroy()
      if (this.b !== null) await this.b.close()
      await this.a.close()
    } finally {
      this.clock.uninstall()
      for (const dir of this.dirs) await removeClosedStoreDir(dir)
    }
  }
}

/**
 * Routes what `a` waits on through the scheduler: its storage look-ups (a preloading
 * get, a dynamic attach) and its cores finishing their close. Returns the function
 * that routes them back.
 */
export function routeThroughScheduler (w: LiveWorld, sched: fc.Scheduler, closes = true): () => void {
  let routing = true
  const storage = w.a.storage
  const { getAlias, hasCore, getInfos } = storage
  storage.getAlias = (alias) => { w.lookups++; return sched.schedule(getAlias.call(storage, alias), 'A.storage.getAlias() answers') }
  storage.hasCore = (dk, opts) => { w.lookups++; return sched.schedule(hasCore.call(storage, dk, opts), 'A.storage.hasCore() answers') }
  storage.getInfos = (keys, opts) => { w.lookups++; return sched.schedule(getInfos.call(storage, keys, opts), 'A.storage.getInfos() answers') }
  // The last part of a core's close (its storage closing) waits for the scheduler, so
  // `closed` flips only when the scheduler says: a get racing that close must wait.
  const route = (core: Core): void => {
    const destroy = core.destroy
    core.destroy = () => routing ? sched.schedule(Promise.resolve(), 'a core of A finishes closing').then(() => destroy.call(core)) : destroy.call(core)
  }
  if (closes) {
    for (const core of w.coresOfA) route(core)
    w.a.watch(route)
  }
  return () => {
    routing = false
    if (closes) w.a.unwatch(route)
    storage.getAlias = getAlias
    storage.hasCore = hasCore
    storage.getInfos = getInfos
  }
}

/** Real time a closing core is held open while a newer core of its key opens, in ms (a bound, not a measurement). */
const HOLD_MS_MAX = 50

/**
 * Holds the end of every close of `a`'s cores (its storage closing) until a newer core
 * object of the same key has opened, or HOLD_MS_MAX of real time passed. A store that
 * makes the newer core wait for the close (preopen) keeps it from opening meanwhile, so
 * the hold runs out; one that does not lets it open while the old core is still open,
 * every time. Returns the function that stops holding.
 */
export function holdClosesWhileTwinsOpen (w: LiveWorld): () => void {
  let holding = true
  const settled = new WeakSet<Core>()
  const track = (core: Core): void => {
    const done = (): void => { settled.add(core) }
    core.ready().then(done, done)
    const destroy = core.destroy
    core.destroy = async () => {
      const until = realNow() + HOLD_MS_MAX
      // A newer core of the key may still be on its way (a get's look-up): hold until one opened, or the bound.
      const twinOpened = (): boolean => w.coresOfA.some((c) => c !== core && settled.has(c) && c.discoveryKey.equals(core.discoveryKey) && w.coresOfA.indexOf(c) > w.coresOfA.indexOf(core))
      while (holding && realNow() < until && !twinOpened()) await realDelay(1)
      return destroy.call(core)
    }
  }
  for (const core of w.coresOfA) track(core)
  w.a.watch(track)
  return () => {
    holding = false
    w.a.unwatch(track)
  }
}

/** Runs `check` on our store, then on upstream; throws with what failed on which. */
export async function onBothStores (check: (kind: StoreKind) => Promise<string[]>): Promise<void> {
  const found: string[] = []
  for (const kind of STORE_KINDS) {
    for (const problem of await check(kind)) found.push(`${kind}: ${problem}`)
  }
  if (found.length > 0) throw new Error(`LIVENESS: ${found.join('; ')}`)
}

function noop (): void {}
