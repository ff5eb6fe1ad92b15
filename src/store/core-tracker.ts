import type { Core } from './types'

// Cores closed per event-loop turn: 10,000 closes at once would block it for ~20 ms.
const GC_CLOSE_CHUNK = 256

/** Called for every core the tracker starts tracking (store.watch). */
export type WatchFn = (core: Core) => void

/** Settings of the idle-core GC, validated by the store. */
export interface GcSettings {
  /** Period of the GC check, in milliseconds. */
  gcIntervalMs: number
  /** Strikes before a core is closed; going idle is the first. */
  gcStrikes: number
  /** Called once GC has closed a core and dropped it from the tracker. */
  oncollect: (core: Core) => void
}

/**
 * The open cores of one root store, by discovery key (hex), and the idle-core GC.
 *
 * GC keeps idle cores in a Map ordered by the tick at which they went idle, so a
 * tick only touches the cores that are due: with 10,000 idle cores a tick that
 * collects nothing costs one comparison, where upstream increments every core.
 */
export class CoreTracker {
  private readonly map = new Map<string, Core>()
  private readonly idle = new Map<Core, number>()
  // Cores whose strikes ran out, closed in chunks so one tick never stalls the loop.
  private readonly due = new Set<Core>()
  private draining: NodeJS.Immediate | null = null
  private readonly drainBound = this.drain.bind(this)
  private readonly watchers = new Set<Set<WatchFn>>()
  private readonly settings: GcSettings
  private tick = 0
  private timer: NodeJS.Timeout | null = null
  // True while someone awaits a `gc` event: the timer then keeps the process alive.
  private referenced = false
  private readonly cycleBound = this.cycle.bind(this)

  constructor (settings: GcSettings) {
    this.settings = settings
  }

  /** Number of tracked cores, closing ones included. */
  get size (): number {
    return this.map.size
  }

  /** Number of cores waiting for GC. */
  get idleCount (): number {
    return this.idle.size
  }

  /** True while the periodic GC check is scheduled. */
  get gcRunning (): boolean {
    return this.timer !== null
  }

  /** Registers a store's watcher set; every core tracked from now on is passed to it. */
  watch (fns: Set<WatchFn>): void {
    this.watchers.add(fns)
  }

  unwatch (fns: Set<WatchFn>): void {
    this.watchers.delete(fns)
  }

  /**
   * Takes a core out of GC because someone wants it again. Returns the tracked core,
   * which may be closing: the caller then opens a fresh one behind it.
   */
  resume (id: string): Core | null {
    const core = this.map.get(id)
    if (core === undefined) return null
    if (core.closing === null) {
      this.due.delete(core)
      if (this.idle.delete(core) && this.idle.size === 0) this.stopTimer()
    }
    return core
  }

  /** True if the core is tracked, open and not closing. */
  opened (id: string): boolean {
    const core = this.map.get(id)
    return core !== undefined && core.opened && core.closing === null
  }

  /** The live core for a discovery key (hex or buffer), or null. */
  get (id: string | Buffer): Core | null {
    const core = this.map.get(typeof id === 'string' ? id : id.toString('hex'))
    if (core === undefined || core.closing !== null) return null
    return core
  }

  set (id: string, core: Core): void {
    this.map.set(id, core)
    for (const fns of this.watchers) {
      for (const fn of fns) fn(core)
    }
  }

  /** Forgets a core that failed to open, so the next get() opens a fresh one. */
  drop (core: Core): void {
    const id = core.discoveryKey.toString('hex')
    if (this.map.get(id) === core) this.map.delete(id)
    this.due.delete(core)
    if (this.idle.delete(core) && this.idle.size === 0) this.stopTimer()
    core.close().catch(noop) // rethrows the open error; only marks the core closing
  }

  /** Marks a core idle: first strike. Going idle again restarts its count, as upstream. */
  gc (core: Core): void {
    this.idle.delete(core)
    this.idle.set(core, this.tick)
    if (this.timer === null) this.startTimer()
  }

  private cycle (): void {
    const tick = ++this.tick
    const due = tick - this.settings.gcStrikes + 1
    for (const [core, since] of this.idle) {
      // The map is ordered by `since`, so the first core not due ends the scan.
      if (since > due) break
      this.idle.delete(core)
      this.due.add(core)
    }
    if (this.idle.size === 0) this.stopTimer()
    if (this.due.size > 0 && this.draining === null) this.drain()
  }

  private drain (): void {
    this.draining = null
    let budget = GC_CLOSE_CHUNK
    for (const core of this.due) {
      if (budget-- === 0) {
        this.draining = setImmediate(this.drainBound)
        return
      }
      this.due.delete(core)
      // A session may have been made from another session, bypassing resume():
      // never close a core that is in use; it reports idle again when it is not.
      if (core.closing !== null || core.hasSession() || !core.replicator.idle()) continue
      this.collect(core)
    }
  }

  private collect (core: Core): void {
    const done = (): void => {
      // A get() may have raced the close and put a fresh core under this id: keep it.
      const id = core.discoveryKey.toString('hex')
      if (this.map.get(id) === core) this.map.delete(id)
      this.settings.oncollect(core)
    }
    core.close().then(done, done)
  }

  /**
   * Whether the GC timer keeps the process alive. Off by default: GC must never keep a
   * process alive on its own. The store turns it on while it has `gc` listeners, or a
   * script awaiting the event would exit (and a test would not end) before it fires.
   * The timer stops once nothing is idle, so this holds the process for at most
   * `gcStrikes` intervals past the last core going idle.
   */
  setReferenced (on: boolean): void {
    this.referenced = on
    if (this.timer === null) return
    if (on) this.timer.ref()
    else this.timer.unref()
  }

  private startTimer (): void {
    this.timer = setInterval(this.cycleBound, this.settings.gcIntervalMs)
    if (!this.referenced) this.timer.unref()
  }

  private stopTimer (): void {
    if (this.timer === null) return
    clearInterval(this.timer)
    this.timer = null
  }

  /** Discovery keys (hex) of every tracked core, closing ones included. */
  ids (): Set<string> {
    return new Set(this.map.keys())
  }

  /** Stops GC and closes every tracked core. */
  async close (): Promise<void> {
    this.stopTimer()
    this.idle.clear()
    this.due.clear()
    if (this.draining !== null) clearImmediate(this.draining)
    this.draining = null
    this.watchers.clear()
    const all: Array<Promise<void>> = []
    for (const core of this.map.values()) {
      core.onidle = noop
      all.push(core.close())
    }
    this.map.clear()
    // One core failing to close must not keep the others (or the storage) open.
    await Promise.allSettled(all)
  }

  /** Live (not closing) cores. */
  * [Symbol.iterator] (): IterableIterator<Core> {
    for (const core of this.map.values()) {
      if (core.closing === null) yield core
    }
  }
}

function noop (): void {}
