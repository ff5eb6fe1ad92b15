import path from 'path'
import type { Clock } from '../clock/virtual-clock'
import { failedResult, OPERATION_KINDS, type DiskModel, type OperationName } from './disk-model'
import { CompletionQueue, type Callback, type Completion } from './completion-queue'

type BindingFn = (this: unknown, ...args: unknown[]) => unknown
type Binding = Record<string, unknown>

const patched = new WeakSet<Binding>()

/**
 * Makes RocksDB's completions deterministic, and slow or failing when a disk model says
 * so. rocksdb-native runs every operation on libuv's thread pool (uv_queue_work), which
 * JavaScript cannot observe: completions arrive in whatever order and at whatever moment
 * the threads finish. While the gate is active, each completion callback is held back
 * and released by the simulator's scheduler, one at a time, only when JavaScript is
 * otherwise idle: in submission order, and not before the virtual time the disk model
 * gave it (a disk's operations complete in submission order, as a disk queue would).
 * What the stores see then depends only on what they submitted, not on thread timing.
 *
 * When an operation reaches RocksDB is ordered too (CompletionQueue.launch): a write,
 * open, close or flush only at its turn, at idle; a read at once unless an earlier write
 * of its database is not yet released. Work a store queued is still handed over: a
 * write batch submitted before a simulated crash reaches RocksDB before the crash's
 * close does, and is applied whole even if its callback never reaches the dead store
 * (see Peer.crash). A write the model
 * fails is never submitted at all: RocksDB does not see it, as a real failed batch
 * leaves the database unchanged. A read the model fails runs, and its result is
 * replaced by the error.
 *
 * `inflight` counts operations submitted and not yet released: storage work the idle
 * check cannot see through async_hooks.
 */
export class StorageGate {
  /** The process-wide gate: the binding it patches is process-wide too. */
  static readonly shared = new StorageGate()

  /** Called with an exception thrown by a released callback. */
  set onerror (fn: (err: unknown) => void) {
    this.queue.onerror = fn
  }

  /** Called when an operation is submitted, taken back, completes or is made due now. */
  set onactivity (fn: (() => void) | null) {
    this.queue.onactivity = fn
  }

  private readonly queue = new CompletionQueue()
  private readonly iterators = new WeakMap<object, Completion[]>()
  /** The callbacks each iterator was opened with (open, close, read), for a deferred call that throws. */
  private readonly iteratorCallbacks = new WeakMap<object, [Callback, Callback, Callback]>()
  /** Database handle of each open iterator (iterator reads name only the iterator). */
  private readonly iteratorDbs = new WeakMap<object, object>()
  /** Disk of each open database handle, from the folder it opened. */
  private readonly dbDisks = new WeakMap<object, number>()
  private active = false
  private model: DiskModel | null = null

  /** Operations submitted and not yet released to their callbacks. */
  get inflight (): number {
    return this.queue.inflight
  }

  /** Total operations submitted while active. */
  get submitted (): number {
    return this.queue.submitted
  }

  /** Total operations released to their callbacks while active. */
  get released (): number {
    return this.queue.released
  }

  /** True if the oldest operation due now has completed and waits for release. */
  get headReady (): boolean {
    return this.queue.headReady
  }

  /** True if an operation is due now (released, or waited for, before time may move). */
  get due (): boolean {
    return this.queue.due
  }

  /**
   * Patches every loaded rocksdb-native binding (idempotent) and starts holding
   * completions. With a disk model and its clock, operations also take virtual time and
   * may fail; without one, every completion is due at once and none fails.
   */
  activate (disks: { model: DiskModel, clock: Clock } | null = null): void {
    for (const binding of findBindings()) this.patch(binding)
    this.model = disks?.model ?? null
    this.queue.useClock(disks?.clock ?? null)
    this.active = true
  }

  /** Stops holding completions: completed ones are released now, the rest when they complete. */
  deactivate (): void {
    this.active = false
    this.model = null
    this.queue.drain()
  }

  /** Runs the oldest due operation's callback if it has completed. Returns whether it did. */
  releaseNext (): boolean {
    return this.queue.releaseNext()
  }

  /** Resolves once the oldest due operation has completed (at once if it has, or if none is due). */
  waitForHead (): Promise<void> {
    return this.queue.waitForHead()
  }

  /**
   * Makes every held operation of a disk due now: its store is opening, closing or
   * crashing, work the scheduler waits for without moving time (Scheduler.hold).
   */
  expedite (disk: number): void {
    this.queue.expedite(disk)
  }

  /** Asks the model about one operation on the database `db` (undefined: not known yet). */
  private plan (name: OperationName, db: unknown, args: unknown[]): { disk: number, dueMs: number, error: Error | null } {
    const model = this.model
    if (model === null) return { disk: -1, dueMs: 0, error: null }
    if (name === 'open' && typeof db === 'object' && db !== null && typeof args[2] === 'string') {
      this.dbDisks.set(db, model.diskOf(path.resolve(args[2])))
    }
    const disk = typeof db === 'object' && db !== null ? this.dbDisks.get(db) ?? -1 : -1
    if (disk === -1) return { disk, dueMs: 0, error: null }
    const p = model.plan(disk, name, db as object)
    return { disk, dueMs: p.dueMs, error: p.error }
  }

  private patch (binding: Binding): void {
    if (patched.has(binding)) return
    patched.add(binding)
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrappers must keep the binding's receiver
    const gate = this

    for (const name of Object.keys(OPERATION_KINDS) as OperationName[]) {
      if (name === 'iteratorOpen' || name === 'iteratorRead' || name === 'iteratorClose') continue
      const orig = binding[name] as BindingFn | undefined
      if (typeof orig !== 'function') continue
      binding[name] = function (this: unknown, ...args: unknown[]) {
        if (!gate.active) return orig.apply(this, args)
        let at = -1
        for (let i = args.length - 1; i >= 0; i--) {
          if (typeof args[i] === 'function') { at = i; break }
        }
        if (at === -1) return orig.apply(this, args)
        const cb = args[at] as Callback
        const db = typeof args[0] === 'object' && args[0] !== null ? args[0] : null
        const { disk, dueMs, error } = gate.plan(name, args[0], args)
        const c = gate.queue.submit(disk, dueMs, db, OPERATION_KINDS[name] !== 'read')
        if (error !== null && OPERATION_KINDS[name] === 'write') {
          // Never reaches RocksDB: the batch is not applied, as when a real write fails.
          gate.queue.complete(c, cb, args[at - 1], [error])
          return undefined
        }
        if (error !== null) c.replace = failedResult(name, args, error)
        args[at] = function (this: unknown, ...res: unknown[]) { gate.queue.complete(c, cb, this, res) }
        return gate.hand(c, this, orig, args, (err) => { gate.queue.complete(c, cb, args[at - 1], [err]) }, args[at - 1])
      }
    }
    this.patchIterators(binding)
  }

  // An iterator gets its three callbacks once, at open; each later read or close is
  // answered through one of them. Each iterator keeps a FIFO of its pending operations.
  private patchIterators (binding: Binding): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrappers must keep the binding's receiver
    const gate = this
    const open = binding.iteratorOpen as BindingFn
    const read = binding.iteratorRead as BindingFn
    const close = binding.iteratorClose as BindingFn
    if (typeof open !== 'function' || typeof read !== 'function' || typeof close !== 'function') return

    const track = (name: OperationName, handle: unknown, args: unknown[]): Completion | null => {
      if (!gate.active || typeof handle !== 'object' || handle === null) return null
      let fifo = gate.iterators.get(handle)
      if (fifo === undefined) gate.iterators.set(handle, (fifo = []))
      if (name === 'iteratorOpen' && typeof args[0] === 'object' && args[0] !== null) gate.iteratorDbs.set(handle, args[0])
      const db = gate.iteratorDbs.get(handle) ?? null
      const { disk, dueMs, error } = gate.plan(name, db, args)
      const c = gate.queue.submit(disk, dueMs, db, false)
      if (error !== null) c.replace = failedResult(name, args, error)
      fifo.push(c)
      return c
    }
    const wrapCallback = (handle: object, cb: Callback): Callback => function (this: unknown, ...res: unknown[]) {
      const c = gate.iterators.get(handle)?.shift()
      if (c === undefined) return cb.apply(this, res)
      gate.queue.complete(c, cb, this, res)
    }
    // A deferred iterator call that throws: its error goes where that call's result would.
    const failLater = (handle: object, cb: Callback) => (err: unknown): void => { wrapCallback(handle, cb).call(null, err) }

    binding.iteratorOpen = function (this: unknown, ...args: unknown[]) {
      const n = args.length
      const handle = args[1] as object
      const cbs: [Callback, Callback, Callback] = [args[n - 3] as Callback, args[n - 2] as Callback, args[n - 1] as Callback]
      gate.iteratorCallbacks.set(handle, cbs)
      for (let i = n - 3; i < n; i++) args[i] = wrapCallback(handle, args[i] as Callback)
      const c = track('iteratorOpen', handle, args)
      if (c === null) return open.apply(this, args)
      return gate.hand(c, this, open, args, failLater(handle, cbs[0]), null, handle)
    }
    for (const [name, orig, at] of [['iteratorRead', read, 2], ['iteratorClose', close, 1]] as const) {
      binding[name] = function (this: unknown, ...args: unknown[]) {
        const handle = args[0] as object
        const c = track(name, handle, args)
        if (c === null) return orig.apply(this, args)
        // The iterator's callbacks were given at open: [open, close, read] from the end.
        const cbs = gate.iteratorCallbacks.get(handle)
        return gate.hand(c, this, orig, args, (err) => { if (cbs !== undefined) failLater(handle, cbs[at])(err) }, null, handle)
      }
    }
  }

  /**
   * Hands operation `c` to RocksDB now or at its turn (CompletionQueue.launch). A call
   * made now returns what the binding returns and throws what it throws (nothing is then
   * submitted). A deferred call returns undefined; when it runs, the request object the
   * caller kept gets the native handle (`req.handle = binding.open(...)`), and a throw
   * goes to `fail` as the operation's error.
   */
  private hand (c: Completion, receiver: unknown, orig: BindingFn, args: unknown[], fail: (err: unknown) => void, req: unknown, iterator?: object): unknown {
    let now = true
    let result: unknown
    try {
      this.queue.launch(c, () => {
        if (now) {
          result = orig.apply(receiver, args)
          return
        }
        try {
          const handle = orig.apply(receiver, args)
          if (typeof req === 'object' && req !== null && 'handle' in req) (req as { handle: unknown }).handle = handle
        } catch (err) {
          fail(err)
        }
      })
    } catch (err) {
      if (iterator !== undefined) this.iterators.get(iterator)?.pop()
      this.queue.unsubmit(c)
      throw err
    }
    now = false
    return result
  }
}

/** Every rocksdb-native binding module loaded in this process, plus the one resolvable from here. */
function findBindings (): Binding[] {
  const files = new Set<string>()
  try {
    files.add(path.join(path.dirname(require.resolve('rocksdb-native')), 'binding.js'))
  } catch {
    // Not resolvable from here: only copies already loaded by a store are patched.
  }
  for (const file of Object.keys(require.cache)) {
    if (/[\\/]rocksdb-native[\\/]binding\.js$/.test(file)) files.add(file)
  }
  return [...files].map((file) => require(file) as Binding)
}
