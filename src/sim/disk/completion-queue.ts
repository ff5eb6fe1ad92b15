import type { Clock, ClockTimer } from '../clock/virtual-clock'

/** A completion callback of the native binding. */
export type Callback = (this: unknown, ...args: unknown[]) => unknown

/** One submitted storage operation, waiting for RocksDB and then for its turn. */
export interface Completion {
  /** Virtual time (ms since the epoch) before which it is not released; 0: at once. */
  dueMs: number
  /** Index of its disk in the disk model, -1 for none. */
  disk: number
  done: boolean
  /** Released as soon as it completes (the queue was drained meanwhile). */
  direct: boolean
  fn: Callback | null
  receiver: unknown
  args: unknown[]
  /** Result delivered instead of RocksDB's (an injected read error); null: RocksDB's own. */
  replace: unknown[] | null
  /** The database (or null) whose state it reads or changes: the key of its ordering rules. */
  db: object | null
  /** A write or any other operation that changes the database (open, close, flush): runs only at its turn. */
  barrier: boolean
  /** Hands the operation to RocksDB; null once it has been handed over (or never needs to be). */
  start: (() => void) | null
}

/**
 * The storage operations the gate holds, released in submission order and none before
 * its due time: the oldest operation that is due goes first (a disk's due times never
 * decrease, so its operations keep their order). One virtual wake-up timer stands at
 * the earliest due time still ahead, so time moves to it; it does nothing itself.
 *
 * It also decides when each operation reaches RocksDB, so that what a read returns never
 * depends on thread timing. A barrier (a write batch, open, close, flush) is handed over
 * only at its turn: when it is the oldest due operation and the scheduler is idle, so the
 * database changes only at fixed points of the run, while no JavaScript runs (a snapshot
 * taken synchronously sees the same state in every run). A read is handed over at once,
 * unless a barrier of its database submitted before it is not yet released: then it waits
 * for that release. Without this, a read submitted after a write ran on another thread of
 * libuv's pool and saw the write or not (issue 18: Autobase runs differed under load).
 */
export class CompletionQueue {
  /** Called with an exception thrown by a released callback. */
  onerror: (err: unknown) => void = (err) => { queueMicrotask(() => { throw err }) }
  /** Called when an operation is submitted, taken back, completes or is made due now. */
  onactivity: (() => void) | null = null
  private queue: Completion[] = []
  private clock: Clock | null = null
  private wake: { atMs: number, timer: ClockTimer } | null = null
  private waiter: (() => void) | null = null
  private submittedCount = 0
  private releasedCount = 0

  /** Operations submitted and not yet released to their callbacks. */
  get inflight (): number {
    return this.queue.length
  }

  /** Total operations submitted. */
  get submitted (): number {
    return this.submittedCount
  }

  /** Total operations released to their callbacks. */
  get released (): number {
    return this.releasedCount
  }

  /** The clock due times are measured on; null: everything is due at once. */
  useClock (clock: Clock | null): void {
    this.disarm()
    this.clock = clock
  }

  private now (): number {
    return this.clock === null ? 0 : this.clock.now()
  }

  /** The oldest operation due now (its disk's earlier ones are due too), or undefined. */
  private dueHead (): Completion | undefined {
    const now = this.now()
    for (const c of this.queue) if (c.dueMs <= now) return c
    return undefined
  }

  /** True if the oldest operation due now has completed and waits for release. */
  get headReady (): boolean {
    return this.dueHead()?.done === true
  }

  /** True if an operation is due now (released, or waited for, before time may move). */
  get due (): boolean {
    return this.dueHead() !== undefined
  }

  /** Runs the oldest due operation's callback if it has completed. Returns whether it did. */
  releaseNext (): boolean {
    const head = this.dueHead()
    if (head === undefined || !head.done) return false
    this.queue.splice(this.queue.indexOf(head), 1)
    this.releasedCount++
    this.rearm()
    if (head.barrier) this.startReadsOf(head.db)
    this.run(head)
    return true
  }

  /**
   * Resolves once the oldest due operation has completed (at once if it has, or if none
   * is due). Called at idle: a barrier waiting for its turn is handed to RocksDB here.
   */
  waitForHead (): Promise<void> {
    const head = this.dueHead()
    if (head === undefined || head.done) return Promise.resolve()
    this.startNow(head)
    if (head.done) return Promise.resolve()
    return new Promise((resolve) => { this.waiter = resolve })
  }

  /**
   * Takes the call that hands an operation just submitted to RocksDB: made now if the
   * ordering rules allow (see the class comment), else at its turn.
   */
  launch (c: Completion, start: () => void): void {
    c.start = start
    if (c.direct || (!c.barrier && !this.barrierBefore(c))) this.startNow(c)
  }

  private startNow (c: Completion): void {
    const start = c.start
    if (start === null) return
    c.start = null
    start()
  }

  /** True if a barrier of `c`'s database, submitted before `c`, is not yet released. */
  private barrierBefore (c: Completion): boolean {
    for (const o of this.queue) {
      if (o === c) return false
      if (o.barrier && o.db === c.db) return true
    }
    return false
  }

  /** After a barrier of `db` was released: hands over the reads no other barrier holds back. */
  private startReadsOf (db: object | null): void {
    for (const o of this.queue) {
      if (o.db !== db) continue
      if (o.barrier) return
      this.startNow(o)
    }
  }

  /** Makes every held operation of a disk due now. */
  expedite (disk: number): void {
    let changed = false
    for (const c of this.queue) {
      if (c.disk === disk && c.dueMs > 0) {
        c.dueMs = 0
        changed = true
      }
    }
    if (changed) {
      this.rearm()
      this.activity()
    }
  }

  /** Releases what has completed, in order; the rest runs as soon as it completes. */
  drain (): void {
    this.useClock(null)
    for (const c of this.queue) c.dueMs = 0
    while (this.releaseNext()) { /* in order */ }
    const left = this.queue
    this.queue = []
    for (const c of left) {
      c.direct = true
      this.startNow(c)
    }
  }

  /**
   * Adds an operation just submitted to the binding, on database `db`; a `barrier`
   * changes it. Hand it over with `launch` (or complete it without RocksDB).
   */
  submit (disk: number, dueMs: number, db: object | null = null, barrier = false): Completion {
    const c: Completion = { dueMs, disk, done: false, direct: false, fn: null, receiver: null, args: [], replace: null, db, barrier, start: null }
    this.queue.push(c)
    this.submittedCount++
    if (dueMs > this.now()) this.rearm()
    this.activity()
    return c
  }

  /** Takes back an operation whose binding call threw: nothing will complete. */
  unsubmit (c: Completion): void {
    const i = this.queue.indexOf(c)
    if (i !== -1) this.queue.splice(i, 1)
    this.submittedCount--
    this.rearm()
    if (c.barrier) this.startReadsOf(c.db)
    this.activity()
  }

  /** RocksDB (or the gate, for a write it failed) completed an operation. */
  complete (c: Completion, fn: Callback, receiver: unknown, args: unknown[]): void {
    c.fn = fn
    c.receiver = receiver
    c.args = args
    c.done = true
    this.activity()
    if (c.direct) {
      this.run(c)
      return
    }
    if (this.waiter !== null && this.headReady) {
      const resolve = this.waiter
      this.waiter = null
      resolve()
    }
  }

  private activity (): void {
    if (this.onactivity !== null) this.onactivity()
  }

  private run (c: Completion): void {
    const fn = c.fn as Callback
    c.fn = null
    try {
      fn.apply(c.receiver, c.replace ?? c.args)
    } catch (err) {
      this.onerror(err)
    }
  }

  private rearm (): void {
    if (this.clock === null) return
    const now = this.now()
    let at = Infinity
    for (const c of this.queue) if (c.dueMs > now && c.dueMs < at) at = c.dueMs
    if (this.wake !== null && this.wake.atMs === at) return
    this.disarm()
    if (at === Infinity) return
    const wake = { atMs: at, timer: this.clock.setTimeout(() => { if (this.wake === wake) this.wake = null; this.rearm() }, at - now) }
    this.wake = wake
  }

  private disarm (): void {
    if (this.wake !== null && this.clock !== null) this.clock.clearTimeout(this.wake.timer)
    this.wake = null
  }
}
