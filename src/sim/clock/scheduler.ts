import { ImmediateTracker, nextImmediate, nudgedOrAfter } from './immediate-tracker'
import { MathRandomRoute } from '../random/math-random'
import { CryptoRandomRoute } from '../random/crypto-random'
import { StorageGate } from '../disk/storage-gate'
import type { DiskModel } from '../disk/disk-model'
import type { VirtualClock } from './virtual-clock'

/**
 * Longest real wait, in ms, between two idle checks while held work (a store opening or
 * closing) is in flight and nothing else is: a safety net, as that work's progress
 * normally wakes the check (see Scheduler.settle).
 */
const HELD_POLL_MS = 1

/**
 * Polls of held work in a row that nothing woke (no storage activity, no immediate, no end)
 * after which it counts as hung: at least 30 s of real time. A store's close that never
 * ends (a database left suspended) would otherwise hold the run for hours of 1 ms polls.
 */
const HELD_QUIET_POLLS_MAX = 30_000

/** How a promise driven by `Scheduler.run` ended. */
export type Outcome<T> =
  | { state: 'resolved', value: T }
  | { state: 'rejected', error: unknown }
  | { state: 'pending' }

/** Options of `new Scheduler(...)`. */
export interface SchedulerOptions {
  /** Real event-loop turns one `settle()` may take before the run is declared stuck. Default 10,000,000. */
  maxSettleRounds?: number
  /**
   * Polls of held work in a row that nothing woke before `settle()` calls it hung (each
   * poll waits 1 ms or more of real time). Default 30,000.
   */
  heldQuietPollsMax?: number
}

/**
 * Drives a simulation: decides when the system is idle and moves virtual time.
 *
 * Idle means: no setImmediate pending, no storage operation due now in flight or
 * waiting for release (one a slow disk completes later waits for its virtual time: the
 * gate's wake-up timer), no file-system request in flight, and no work registered with `hold()`
 * (stores touch the file system when they open and close). Microtasks and nextTicks always drain before that check runs.
 * Only at idle does time move, and then by exactly one timer: the earliest due one
 * (ties in creation order). Timers are the only events: hypercore's own, the stores'
 * GC, link deliveries and fault expiries all go through the virtual clock.
 */
export class Scheduler {
  /** The installed virtual clock. */
  readonly clock: VirtualClock
  /** Holds and orders storage completions. */
  readonly gate: StorageGate
  /** Counts pending immediates. */
  readonly immediates: ImmediateTracker
  /** Seeded Math.random. */
  readonly random: MathRandomRoute
  /** Seeded entropy for sodium and node's crypto (key pairs, random bytes). */
  readonly entropy: CryptoRandomRoute
  /** Timers fired so far. */
  events = 0
  /** Real event-loop turns spent settling. */
  rounds = 0
  /** Exceptions thrown by timers. */
  readonly errors: unknown[] = []
  /**
   * Called right after each timer fires, before the system settles: work started here
   * races whatever the timer started (a GC tick beginning to close a core, a delivery
   * being processed). Deterministic like everything else: it runs at a fixed point.
   */
  afterEvent: (() => void) | null = null
  private epochs = 0
  private held = 0
  /** Wakes a settle() waiting on held work; null when none waits. */
  private nudge: (() => void) | null = null
  private pause: { at: number, resolve: () => void } | null = null
  private readonly maxSettleRounds: number
  private readonly heldQuietPollsMax: number

  /** `entropy` defaults to a route seeded from `random`'s seed. */
  constructor (clock: VirtualClock, random: MathRandomRoute, opts: SchedulerOptions = {}, entropy?: CryptoRandomRoute) {
    const max = opts.maxSettleRounds ?? 10_000_000
    if (!Number.isInteger(max) || max < 1) throw new RangeError('maxSettleRounds must be a positive integer')
    this.maxSettleRounds = max
    const quietMax = opts.heldQuietPollsMax ?? HELD_QUIET_POLLS_MAX
    if (!Number.isInteger(quietMax) || quietMax < 1) throw new RangeError('heldQuietPollsMax must be a positive integer')
    this.heldQuietPollsMax = quietMax
    this.clock = clock
    this.random = random
    this.entropy = entropy ?? new CryptoRandomRoute(random.seed ^ 0x9e3779b9)
    this.gate = StorageGate.shared
    this.immediates = new ImmediateTracker()
  }

  /**
   * Installs the clock, the immediate counter, the storage gate and Math.random. With a
   * disk model, storage operations take virtual time and may fail (see StorageGate).
   */
  start (disks: DiskModel | null = null): void {
    this.clock.install()
    this.immediates.install()
    this.gate.onerror = (err) => { this.errors.push(err) }
    this.gate.onactivity = this.poke
    this.immediates.onschedule = this.poke
    this.gate.activate(disks === null ? null : { model: disks, clock: this.clock })
    this.random.install()
    this.entropy.install()
  }

  /** Restores every global replaced by `start()`. */
  stop (): void {
    this.entropy.uninstall()
    this.random.uninstall()
    this.gate.deactivate()
    this.gate.onactivity = null
    this.immediates.onschedule = null
    this.immediates.uninstall()
    this.clock.uninstall()
  }

  /** Starts a new Math.random epoch; call before the simulator itself calls into a store. */
  beginEpoch (): void {
    this.random.begin(++this.epochs)
    this.entropy.begin(this.epochs)
  }

  /** Resolves when the system is idle (see the class comment). Never moves virtual time. */
  async settle (): Promise<void> {
    let quiet = 0
    for (let i = 0; i < this.maxSettleRounds; i++) {
      await nextImmediate()
      this.rounds++
      if (this.immediates.pending > 0) {
        quiet = 0
        continue
      }
      if (this.pause !== null && this.gate.released >= this.pause.at) {
        this.endPause()
        continue
      }
      if (this.gate.releaseNext()) {
        quiet = 0
        continue
      }
      if (this.gate.due) {
        await this.gate.waitForHead()
        continue
      }
      if (this.held > 0) {
        // Held work moves on through native calls the loop cannot see, on other threads;
        // spinning the loop meanwhile took a core from them (77% of a default run's turns).
        // Its progress comes back as storage work, an immediate or its end: each wakes
        // this wait, which only decides how often the check runs, never what it finds.
        const nudged = await nudgedOrAfter(HELD_POLL_MS, (nudge) => {
          this.nudge = nudge
          return () => { this.nudge = null }
        })
        quiet = nudged ? 0 : quiet + 1
        if (quiet >= this.heldQuietPollsMax) {
          throw new Error(`the simulation did not settle: work it waits for (a store opening or closing) made no progress in ${this.heldQuietPollsMax} polls of ${HELD_POLL_MS} ms or more`)
        }
        continue
      }
      if (fileSystemBusy()) continue
      // Storage work due later (a slow disk) lets time move; the pause waits for it.
      if (this.pause !== null && this.gate.inflight === 0) {
        this.endPause()
        continue
      }
      return
    }
    throw new Error(`the simulation did not settle within ${this.maxSettleRounds} event-loop turns`)
  }

  /**
   * Resolves at a fixed point of the run: the first moment, after `count` more storage
   * completions have been released, at which no immediate is pending (microtasks and
   * immediates drained); or at idle with no storage operation pending, if fewer
   * completions come. Nothing is released
   * between that moment and the resolution being seen, so work the caller starts in its
   * continuation (a crash) lands on the same operation in every run. One at a time; it
   * only fires while something drives the scheduler.
   */
  afterStorageCompletions (count: number): Promise<void> {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`bad completion count ${count}`)
    if (this.pause !== null) throw new Error('a storage pause is already pending')
    return new Promise((resolve) => { this.pause = { at: this.gate.released + count, resolve } })
  }

  /** Wakes a settle() waiting on held work: something it checks may have changed. */
  private readonly poke = (): void => {
    if (this.nudge !== null) this.nudge()
  }

  private endPause (): void {
    const pause = this.pause as { resolve: () => void }
    this.pause = null
    pause.resolve()
  }

  /**
   * Counts `promise` as work in flight until it settles. For work whose progress is
   * invisible to the idle check: a store opening or closing locks its folder through
   * native file-system calls that node does not track.
   */
  hold<T> (promise: Promise<T>): Promise<T> {
    this.held++
    const release = (): void => {
      this.held--
      this.poke()
    }
    promise.then(release, release)
    return promise
  }

  /** Fires the next due timer, if any; the caller settles afterwards. */
  private fireOne (): boolean {
    this.beginEpoch()
    try {
      if (!this.clock.fireNext()) return false
      if (this.afterEvent !== null) this.afterEvent()
    } catch (err) {
      this.errors.push(err)
    }
    this.events++
    return true
  }

  /**
   * Runs events until `done()` holds at idle, or `timeoutMs` of virtual time has passed.
   * Returns `done()`.
   */
  async until (done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw new RangeError(`bad timeout ${timeoutMs}`)
    let reached = false
    const sentinel = this.clock.setTimeout(() => { reached = true }, timeoutMs)
    try {
      await this.settle()
      while (!done() && !reached) {
        this.fireOne()
        await this.settle()
      }
    } finally {
      this.clock.clearTimeout(sentinel)
    }
    return done()
  }

  /** Lets `ms` of virtual time pass, running every event due meanwhile. */
  async advance (ms: number): Promise<void> {
    await this.until(() => false, ms)
  }

  /** Like `run`, but returns the value and throws (naming `what`) on rejection or timeout. */
  async must<T> (promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    const outcome = await this.run(promise, timeoutMs)
    if (outcome.state === 'resolved') return outcome.value
    const why = outcome.state === 'pending' ? 'timed out' : String((outcome.error as Error | null)?.message ?? outcome.error)
    throw new Error(`${what}: ${why}`)
  }

  /** Drives the simulation until `promise` settles or `timeoutMs` of virtual time has passed. */
  async run<T> (promise: Promise<T>, timeoutMs: number): Promise<Outcome<T>> {
    let outcome: Outcome<T> = { state: 'pending' }
    promise.then(
      (value) => { outcome = { state: 'resolved', value } },
      (error: unknown) => { outcome = { state: 'rejected', error } }
    )
    await this.until(() => outcome.state !== 'pending', timeoutMs)
    return outcome
  }
}

/** True while a file-system request is in flight (libuv requests node tracks, unlike RocksDB's). */
function fileSystemBusy (): boolean {
  for (const name of process.getActiveResourcesInfo()) {
    if (name.startsWith('FSReq')) return true
  }
  return false
}
