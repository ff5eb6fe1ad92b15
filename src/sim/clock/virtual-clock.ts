import { withGlobal, type Clock as FakeClock } from '@sinonjs/fake-timers'

type TimerId = ReturnType<FakeClock['setTimeout']>
type InstalledClock = FakeClock

/** A handle for a timer made through a `Clock`. */
export type ClockTimer = TimerId

/** Time as the simulator's components see it: read the time, schedule and cancel work. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now (): number
  /** Runs `fn` once, `delayMs` from now. */
  setTimeout (fn: () => void, delayMs: number): ClockTimer
  /** Cancels a timer made by `setTimeout`; unknown or fired timers are ignored. */
  clearTimeout (timer: ClockTimer): void
}

/** Options of `new VirtualClock(opts)`. */
export interface VirtualClockOptions {
  /** Virtual wall-clock time at install, in ms since the epoch. Default 2024-01-01T00:00:00Z. */
  startMs?: number
}

/** Default virtual start time: fixed, so `Date` values in a trace never depend on the real date. */
export const DEFAULT_START_MS = Date.UTC(2024, 0, 1)

/**
 * The globals a VirtualClock replaces. setImmediate, process.nextTick and queueMicrotask
 * stay real: replication and storage progress on them while virtual time stands still.
 */
export const FAKED_GLOBALS = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] as const

/** The parts of a fake-timers clock `keepHeapOrderOnRefresh` reaches into (not in its typings). */
interface FakeClockInternals {
  timers?: Map<number, object>
  timerHeap?: { remove (timer: object): boolean }
  setTimeout: (...args: unknown[]) => unknown
  setInterval: (...args: unknown[]) => unknown
}

/**
 * @sinonjs/fake-timers 15.5.0 keeps timers in a heap, and a timer's `refresh()` sets
 * its new due time before taking it out of the heap; the heap then restores order
 * around the new time instead of the old one and can be left out of order. The next
 * timer fired is then not the earliest, and virtual time later runs backwards
 * (test/integration/sim-clock.test.ts reproduces it; protomux and hypercore refresh
 * their timers all the time). Taking the timer out first, with its old due time, keeps
 * the heap in order; fake-timers' own removal then finds nothing to do.
 */
function keepHeapOrderOnRefresh (fake: FakeClock): void {
  const clock = fake as unknown as FakeClockInternals
  for (const method of ['setTimeout', 'setInterval'] as const) {
    const make = clock[method]
    const wrapped = function (...args: unknown[]): unknown {
      const handle = make.apply(clock, args) as { refresh?: () => unknown } | number
      if (typeof handle !== 'object' || typeof handle.refresh !== 'function') return handle
      const refresh = handle.refresh
      const id = Number(handle)
      handle.refresh = function (this: unknown) {
        const timer = clock.timers?.get(id)
        if (timer !== undefined) clock.timerHeap?.remove(timer)
        return refresh.call(this)
      }
      return handle
    }
    // fake-timers keeps flags on its methods (whether the global had its own property),
    // which its uninstall reads.
    Object.defineProperties(wrapped, Object.getOwnPropertyDescriptors(make))
    clock[method] = wrapped
  }
}

/** device-file (a store's folder lock) compares the Date it wrote with the file's real mtime. */
export const DEVICE_FILE_CALLERS = /[\\/]device-file[\\/]/

/** The real Date, captured before any clock is installed. */
const RealDate: DateConstructor = Date

/** True if the function that called `fn` is in a file matching one of `callers`. */
function calledFrom (callers: Iterable<RegExp>, fn: () => number): boolean {
  const holder: { stack?: string } = {}
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 1
  Error.captureStackTrace(holder, fn)
  Error.stackTraceLimit = limit
  const stack = holder.stack ?? ''
  for (const re of callers) if (re.test(stack)) return true
  return false
}

/**
 * Virtual time for a whole process, on @sinonjs/fake-timers: while installed, every
 * `setTimeout`/`setInterval`/`Date` in the process (hypercore's included) runs on it.
 * Time moves only when `fireNext()` is called: it jumps to the earliest due timer and
 * runs that one timer. Timers due at the same instant run in creation order, so events
 * are ordered by (virtual time, creation sequence).
 *
 * Only one VirtualClock can be installed at a time.
 */
export class VirtualClock implements Clock {
  private static installedClock: VirtualClock | null = null
  /** Virtual time at install, in ms since the epoch. */
  readonly startMs: number
  private fake: InstalledClock | null = null
  /** Caller patterns of the open `withRealDateFor` windows. */
  private readonly realDateCallers: RegExp[] = []
  private restoreNow: (() => void) | null = null

  constructor (opts: VirtualClockOptions = {}) {
    const startMs = opts.startMs ?? DEFAULT_START_MS
    if (!Number.isSafeInteger(startMs) || startMs < 0) throw new RangeError('startMs must be a non-negative integer')
    this.startMs = startMs
  }

  /** The installed clock, if any. */
  static get current (): VirtualClock | null {
    return VirtualClock.installedClock
  }

  /** True between `install()` and `uninstall()`. */
  get installed (): boolean {
    return this.fake !== null
  }

  /** Replaces the faked globals. Throws if any VirtualClock is installed already. */
  install (): void {
    if (VirtualClock.installedClock !== null) throw new Error('A VirtualClock is installed already: one simulation per process at a time')
    this.fake = withGlobal(globalThis).install({
      toFake: [...FAKED_GLOBALS],
      now: this.startMs,
      // A long simulation fires many timers; the limit only guards runAll(), which we never call.
      loopLimit: Number.MAX_SAFE_INTEGER,
      // Timers made before install (a test runner's timeouts) stay real and clearable.
      shouldClearNativeTimers: true
    })
    keepHeapOrderOnRefresh(this.fake)
    VirtualClock.installedClock = this
  }

  /** Restores the real globals; timers still pending are dropped. */
  uninstall (): void {
    if (this.fake === null) return
    this.fake.uninstall()
    this.fake = null
    if (VirtualClock.installedClock === this) VirtualClock.installedClock = null
  }

  private get clock (): InstalledClock {
    if (this.fake === null) throw new Error('VirtualClock is not installed')
    return this.fake
  }

  /** Virtual milliseconds since the epoch. */
  now (): number {
    return this.clock.now
  }

  /** Virtual milliseconds since install. */
  get elapsedMs (): number {
    return this.clock.now - this.startMs
  }

  /** A virtual timer; delays are rounded up to whole milliseconds. */
  setTimeout (fn: () => void, delayMs: number): ClockTimer {
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError(`bad delay ${delayMs}`)
    return this.clock.setTimeout(fn, Math.ceil(delayMs))
  }

  /** Cancels a virtual timer. */
  clearTimeout (timer: ClockTimer): void {
    this.clock.clearTimeout(timer)
  }

  /**
   * Runs `fn` while `Date.now()` called directly from a file matching `callers` returns
   * the real time; every other caller keeps virtual time. For device-file, which locks a
   * store's folder: it writes `Date.now()` into its lock file and, on reopen, rejects the
   * file if that is far from the file's real mtime. The global `Date` stays virtual, so
   * the other peers, whose work goes on while one store opens, never see real time (the
   * whole `Date` used to be swapped for the window: a source of nondeterminism).
   */
  async withRealDateFor<T> (callers: RegExp, fn: () => Promise<T>): Promise<T> {
    const VirtualDate = globalThis.Date
    const windows = this.realDateCallers
    windows.push(callers)
    if (windows.length === 1) {
      const virtualNow = VirtualDate.now
      const now = function now (): number {
        return calledFrom(windows, now) ? RealDate.now() : virtualNow.call(VirtualDate)
      }
      VirtualDate.now = now
      this.restoreNow = () => { VirtualDate.now = virtualNow }
    }
    try {
      return await fn()
    } finally {
      windows.splice(windows.indexOf(callers), 1)
      // Windows of several peers may overlap: the last one out restores Date.now.
      if (windows.length === 0 && this.restoreNow !== null) {
        this.restoreNow()
        this.restoreNow = null
      }
    }
  }

  /** Number of pending timers (hypercore's, the store's and the simulator's). */
  get pendingTimers (): number {
    return this.clock.countTimers()
  }

  /**
   * Jumps to the earliest due timer and runs it alone. Returns false if no timer is
   * pending. Exceptions thrown by the timer propagate.
   */
  fireNext (): boolean {
    const clock = this.clock
    if (clock.countTimers() === 0) return false
    clock.next()
    return true
  }
}
