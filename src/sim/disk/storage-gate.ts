import path from 'path'

type Callback = (this: unknown, ...args: unknown[]) => unknown
type BindingFn = (this: unknown, ...args: unknown[]) => unknown
type Binding = Record<string, unknown>

/** One submitted storage operation, waiting for RocksDB and then for its turn. */
interface Completion {
  done: boolean
  /** Released as soon as it completes (the gate was closed meanwhile). */
  direct: boolean
  fn: Callback | null
  receiver: unknown
  args: unknown[]
}

/** rocksdb-native binding calls whose last function argument is their completion callback. */
const LAST_CALLBACK = [
  'open', 'close', 'read', 'write', 'flush', 'suspend', 'resume',
  'compact', 'compactRange', 'approximateSize', 'currentWalFile'
]

const patched = new WeakSet<Binding>()

/**
 * Makes RocksDB's completions deterministic. rocksdb-native runs every operation on
 * libuv's thread pool (uv_queue_work), which JavaScript cannot observe: completions
 * arrive in whatever order and at whatever moment the threads finish. While the gate
 * is active, each completion callback is held back and released by the simulator's
 * scheduler, one at a time, in submission order, and only when JavaScript is otherwise
 * idle. What the stores see then depends only on what they submitted, not on thread
 * timing or on the size of the thread pool.
 *
 * `inflight` counts operations submitted and not yet released: storage work the idle
 * check cannot see through async_hooks.
 *
 * Only callbacks are held: an operation runs on RocksDB's thread as soon as it is
 * submitted. So a write batch submitted before a simulated crash is applied whole
 * even if its callback never reaches the dead store (see Peer.crash).
 */
export class StorageGate {
  /** The process-wide gate: the binding it patches is process-wide too. */
  static readonly shared = new StorageGate()

  /** Called with an exception thrown by a released callback. */
  onerror: (err: unknown) => void = (err) => { queueMicrotask(() => { throw err }) }

  private queue: Completion[] = []
  private first = 0
  private readonly iterators = new WeakMap<object, Completion[]>()
  private active = false
  private waiter: (() => void) | null = null
  private submittedCount = 0
  private releasedCount = 0

  /** Operations submitted and not yet released to their callbacks. */
  get inflight (): number {
    return this.queue.length - this.first
  }

  /** Total operations submitted while active. */
  get submitted (): number {
    return this.submittedCount
  }

  /** Total operations released to their callbacks while active. */
  get released (): number {
    return this.releasedCount
  }

  /** True if the oldest operation has completed and waits for release. */
  get headReady (): boolean {
    const head = this.queue[this.first]
    return head !== undefined && head.done
  }

  /** Patches every loaded rocksdb-native binding (idempotent) and starts holding completions. */
  activate (): void {
    for (const binding of findBindings()) this.patch(binding)
    this.active = true
  }

  /** Stops holding completions: completed ones are released now, the rest when they complete. */
  deactivate (): void {
    this.active = false
    while (this.releaseNext()) { /* drain in order */ }
    for (let i = this.first; i < this.queue.length; i++) (this.queue[i] as Completion).direct = true
    this.queue = this.queue.slice(this.first)
    this.first = 0
  }

  /** Runs the oldest operation's callback if it has completed. Returns whether it did. */
  releaseNext (): boolean {
    const head = this.queue[this.first]
    if (head === undefined || !head.done) return false
    this.queue[this.first++] = undefined as unknown as Completion
    if (this.first > 1024 && this.first * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.first)
      this.first = 0
    }
    this.releasedCount++
    this.run(head)
    return true
  }

  /** Resolves once the oldest operation has completed (at once if it has, or if none is pending). */
  waitForHead (): Promise<void> {
    if (this.inflight === 0 || this.headReady) return Promise.resolve()
    return new Promise((resolve) => { this.waiter = resolve })
  }

  private run (c: Completion): void {
    const fn = c.fn as Callback
    c.fn = null
    try {
      fn.apply(c.receiver, c.args)
    } catch (err) {
      this.onerror(err)
    }
  }

  private submit (): Completion {
    const c: Completion = { done: false, direct: false, fn: null, receiver: null, args: [] }
    this.queue.push(c)
    this.submittedCount++
    return c
  }

  private unsubmit (c: Completion): void {
    // The binding threw synchronously: nothing will complete.
    if (this.queue[this.queue.length - 1] === c) {
      this.queue.pop()
    } else {
      c.fn = noop
      c.done = true
    }
    this.submittedCount--
  }

  private complete (c: Completion, fn: Callback, receiver: unknown, args: unknown[]): void {
    c.fn = fn
    c.receiver = receiver
    c.args = args
    c.done = true
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

  private patch (binding: Binding): void {
    if (patched.has(binding)) return
    patched.add(binding)
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrappers must keep the binding's receiver
    const gate = this

    for (const name of LAST_CALLBACK) {
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
        const c = gate.submit()
        args[at] = function (this: unknown, ...res: unknown[]) { gate.complete(c, cb, this, res) }
        try {
          return orig.apply(this, args)
        } catch (err) {
          gate.unsubmit(c)
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

    const track = (handle: unknown): Completion | null => {
      if (!gate.active || typeof handle !== 'object' || handle === null) return null
      let fifo = gate.iterators.get(handle)
      if (fifo === undefined) gate.iterators.set(handle, (fifo = []))
      const c = gate.submit()
      fifo.push(c)
      return c
    }
    const untrack = (handle: unknown, c: Completion | null): void => {
      if (c === null) return
      gate.iterators.get(handle as object)?.pop()
      gate.unsubmit(c)
    }
    const wrapCallback = (handle: object, cb: Callback): Callback => function (this: unknown, ...res: unknown[]) {
      const c = gate.iterators.get(handle)?.shift()
      if (c === undefined) return cb.apply(this, res)
      gate.complete(c, cb, this, res)
    }

    binding.iteratorOpen = function (this: unknown, ...args: unknown[]) {
      const n = args.length
      const handle = args[1] as object
      for (let i = n - 3; i < n; i++) args[i] = wrapCallback(handle, args[i] as Callback)
      const c = track(handle)
      try {
        return open.apply(this, args)
      } catch (err) {
        untrack(handle, c)
        throw err
      }
    }
    for (const [name, orig] of [['iteratorRead', read], ['iteratorClose', close]] as const) {
      binding[name] = function (this: unknown, ...args: unknown[]) {
        const c = track(args[0])
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

function noop (): void {}

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
