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
 * Only callbacks are held: an operation runs on RocksDB's thread as soon as it is
 * submitted. So a write batch submitted before a simulated crash is applied whole even
 * if its callback never reaches the dead store (see Peer.crash). A write the model
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

  private readonly queue = new CompletionQueue()
  private readonly iterators = new WeakMap<object, Completion[]>()
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
        const { disk, dueMs, error } = gate.plan(name, args[0], args)
        const c = gate.queue.submit(disk, dueMs)
        if (error !== null && OPERATION_KINDS[name] === 'write') {
          // Never reaches RocksDB: the batch is not applied, as when a real write fails.
          gate.queue.complete(c, cb, args[at - 1], [error])
          return undefined
        }
        if (error !== null) c.replace = failedResult(name, args, error)
        args[at] = function (this: unknown, ...res: unknown[]) { gate.queue.complete(c, cb, this, res) }
        try {
          return orig.apply(this, args)
        } catch (err) {
          gate.queue.unsubmit(c)
          throw err
        }
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
      const { disk, dueMs, error } = gate.plan(name, gate.iteratorDbs.get(handle), args)
      const c = gate.queue.submit(disk, dueMs)
      if (error !== null) c.replace = failedResult(name, args, error)
      fifo.push(c)
      return c
    }
    const untrack = (handle: unknown, c: Completion | null): void => {
      if (c === null) return
      gate.iterators.get(handle as object)?.pop()
      gate.queue.unsubmit(c)
    }
    const wrapCallback = (handle: object, cb: Callback): Callback => function (this: unknown, ...res: unknown[]) {
      const c = gate.iterators.get(handle)?.shift()
      if (c === undefined) return cb.apply(this, res)
      gate.queue.complete(c, cb, this, res)
    }

    binding.iteratorOpen = function (this: unknown, ...args: unknown[]) {
      const n = args.length
      const handle = args[1] as object
      for (let i = n - 3; i < n; i++) args[i] = wrapCallback(handle, args[i] as Callback)
      const c = track('iteratorOpen', handle, args)
      try {
        return open.apply(this, args)
      } catch (err) {
        untrack(handle, c)
        throw err
      }
    }
    for (const [name, orig] of [['iteratorRead', read], ['iteratorClose', close]] as const) {
      binding[name] = function (this: unknown, ...args: unknown[]) {
        const c = track(name, args[0], args)
        try {
          return orig.apply(this, args)
        } catch (err) {
          untrack(args[0], c)
          throw err
        }
      }
    }
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
