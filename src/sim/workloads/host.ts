import type { SimContext } from '../context'
import { errorCode, type CheckResult, type Violation } from '../checks/invariants'
import type { Peer } from '../peers/peer'
import type { StoreLike } from '../peers/store-factory'
import type { StepOutput } from '../scenario/executor'
import { oneLine, WorkloadError, type AnyWorkload, type JsonValue, type WorkloadContext } from './workload'
import { workloadPeers } from './generate'
import { limitText, messages, toJson } from './answers'
import { diskErrorCode } from '../disk/disk-error'

/** Runs and successes of one operation. */
export interface OperationCount {
  /** Steps that ran it. */
  runs: number
  /** Of those, how many resolved and did the app's work (not down, failed or skipped). */
  ok: number
  /** Of those, how many resolved but said they did nothing (`ctx.skip(reason)`), by reason. */
  skipped: Record<string, number>
}

/** What the host needs of a simulation. */
export interface WorkloadHostDeps extends Pick<SimContext, 'peers' | 'scheduler' | 'trace' | 'log'> {
  /** Virtual timeout of one network wait, in ms (the step timeout). */
  stepTimeoutMs: number
  /** Index of the step being applied, or null. */
  step: () => number | null
  /** Virtual time one setup may take, in ms. Default: the workload's `setupTimeoutMs`, else `stepTimeoutMs`. */
  setupTimeoutMs?: number
  /** Virtual time the final check may take, in ms. Default: the workload's `checkTimeoutMs`, else what `finalCheck` is given. */
  checkTimeoutMs?: number
  /** Write batches the peer's disk has refused so far (a full or failing disk). Default: none. */
  refusedWrites?: (peer: number) => number
}

type AnyContext = WorkloadContext<unknown, unknown>

/**
 * Runs a workload on a simulation's peers: its setups (at start, and after each restart),
 * its operations (one per `op` step), its invariants (after every step) and its final
 * check (after the heal). The peers' apps live here; a crash drops one.
 *
 * A workload that breaks its contract (an operation or invariant that throws
 * synchronously, a first setup that fails or never resolves) throws a `WorkloadError`:
 * the run stops (exit code 2). What the app gets wrong is a violation (exit code 1).
 */
export class WorkloadHost {
  /** The workload. */
  readonly workload: AnyWorkload
  /** Peers it runs on. */
  readonly peers: readonly number[]
  /** Runs and successes, by operation name (every operation listed, 0 included). */
  readonly counts: Record<string, OperationCount> = {}
  private readonly deps: WorkloadHostDeps
  /** Running apps by peer, with the store each was opened on. */
  private readonly apps = new Map<number, { app: unknown, store: StoreLike, refusedBefore: number }>()
  private readonly ctx: AnyContext
  /** The error that broke the workload, once it broke (the run stops at the next check). */
  error: WorkloadError | null = null
  /** Virtual time one setup may take, in ms. */
  readonly setupTimeoutMs: number
  /** Peers whose setup after a restart failed on a disk fault: set up again after the heal. */
  private readonly failedSetups = new Set<number>()
  /** The peer whose app the final check asked for last (named when it times out). */
  private lastAsked: number | null = null

  constructor (workload: AnyWorkload, deps: WorkloadHostDeps) {
    this.workload = workload
    this.deps = deps
    this.peers = workloadPeers(workload, deps.peers.length)
    this.setupTimeoutMs = deps.setupTimeoutMs ?? workload.setupTimeoutMs ?? deps.stepTimeoutMs
    for (const op of Object.keys(workload.operations)) this.counts[op] = { runs: 0, ok: 0, skipped: {} }
    const state = this.call('init', () => workload.init?.() ?? {})
    this.ctx = {
      state,
      peers: this.peers,
      timeoutMs: deps.stepTimeoutMs,
      app: (i) => this.apps.get(i)?.app ?? null,
      record: (fields) => deps.trace.record('workload', { w: workload.name, ...fields }),
      abandoned: false,
      skip: () => this.fail('WORKLOAD_BROKEN', 'ctx.skip() was called outside an operation')
    }
  }

  /** The app of a peer, or null. */
  app (peer: number): unknown {
    return this.apps.get(peer)?.app ?? null
  }

  /** Opens the app on every peer, in order. A failure or a hang is a broken workload. */
  async setupAll (): Promise<void> {
    for (const i of this.peers) {
      const outcome = await this.deps.scheduler.run(this.setupPeer(i), this.setupTimeoutMs)
      if (outcome.state === 'pending') this.fail('WORKLOAD_BROKEN', `setup on peer ${i} at start did not resolve within ${limitText('setup', this.setupTimeoutMs)}`)
      if (outcome.state === 'rejected') {
        if (outcome.error instanceof WorkloadError) throw outcome.error
        this.fail('WORKLOAD_BROKEN', `setup on peer ${i} failed: ${oneLine(outcome.error)}`)
      }
    }
  }

  private async setupPeer (i: number): Promise<void> {
    const peer = this.deps.peers[i] as Peer
    const root = peer.requireStore()
    // The app gets a session of the peer's store: apps close the store they are given
    // (Hyperdrive does), and that must not close the peer's store under the simulator.
    const store = root.session()
    // Nobody else holds the session a failed setup was given.
    const app = await this.call(`setup on peer ${i}`, () => this.workload.setup({ index: i, store }, this.ctx))
      .catch(async (err: unknown) => { await store.close().catch(() => {}); throw err })
    if (peer.store === root && peer.up) this.apps.set(i, { app, store, refusedBefore: this.refused(i) })
    this.deps.trace.record('app', { p: i, up: true })
  }

  /**
   * After a restart: reopens the app from the peer's disk. A setup that fails or does not
   * resolve within the setup timeout is a violation, except when the simulator caused it:
   * a crash or recovery closed the store under it (a restart a timer started runs beside
   * later steps: upstream seed 13), or its disk still failed (a peer restarted while its
   * writes fail cannot open an app that writes as it opens, on any store: seed 10). The
   * latter is set up again after the heal, as a store whose open failed on its disk is.
   */
  async reopened (i: number): Promise<void> {
    if (!this.peers.includes(i) || this.error !== null) return
    this.failedSetups.delete(i)
    const root = (this.deps.peers[i] as Peer).store
    let code: string | null = null
    const setup = this.setupPeer(i).catch((err: unknown) => { code = diskErrorCode(err); throw err })
    const result = await this.within(setup, this.setupTimeoutMs, 'setup')
    if (result === null || (this.deps.peers[i] as Peer).store !== root) return
    if (code !== null) {
      this.failedSetups.add(i)
      this.deps.trace.record('app', { p: i, up: false, failed: code })
      return
    }
    const step = this.deps.step()
    this.violate(`setup on peer ${i} after its restart${step === null ? ' (after the heal)' : ` (step ${step + 1})`} ${result}`, i)
  }

  /**
   * After the heal: an app whose setup failed on its disk is set up again; an app that
   * stopped itself (see Workload.stopped) is closed and set up again.
   */
  async healed (): Promise<void> {
    if (this.error !== null) return
    for (const i of [...this.failedSetups]) {
      if ((this.deps.peers[i] as Peer).up && !this.apps.has(i)) await this.reopened(i)
      else this.failedSetups.delete(i)
    }
    const stopped = this.workload.stopped
    if (stopped === undefined) return
    for (const i of this.peers) {
      const running = this.apps.get(i)
      if (running === undefined || !this.call(`stopped on peer ${i}`, () => stopped(running.app))) continue
      this.deps.trace.record('app', { p: i, stopped: true })
      await this.closing(i)
      await this.reopened(i)
    }
  }

  /** Before a clean close of the peer's store: closes the app (a failure is a violation). */
  async closing (i: number): Promise<void> {
    const app = this.apps.get(i)
    if (app === undefined) return
    this.apps.delete(i)
    this.deps.trace.record('app', { p: i, up: false })
    const result = await this.within(this.teardown(i, app), this.deps.stepTimeoutMs, null)
    if (result !== null) this.violate(`teardown on peer ${i} ${result}`, i)
  }

  /**
   * After a crash, its store's database already gone: the app is dropped; it is closed
   * only to release its timers (it cannot write anything more), errors ignored.
   */
  async crashed (i: number): Promise<void> {
    const app = this.apps.get(i)
    if (app === undefined) return
    this.apps.delete(i)
    this.deps.trace.record('app', { p: i, up: false, crash: true })
    await this.within(this.teardown(i, app, true), this.deps.stepTimeoutMs, null)
  }

  private refused (i: number): number {
    return this.deps.refusedWrites?.(i) ?? 0
  }

  private async teardown (i: number, running: { app: unknown, store: StoreLike, refusedBefore: number }, crashed = false): Promise<void> {
    const teardown = this.workload.teardown
    try {
      if (teardown !== undefined) await this.call(`teardown on peer ${i}`, () => teardown({ index: i, store: running.store, app: running.app, crashed, writesRefused: this.refused(i) > running.refusedBefore }, this.ctx))
    } finally {
      await running.store.close()
    }
  }

  /** Runs one `op` step on a peer's app. */
  async runOp (peer: number, op: string, args: JsonValue): Promise<StepOutput> {
    const spec = Object.prototype.hasOwnProperty.call(this.workload.operations, op) ? this.workload.operations[op] : undefined
    if (spec === undefined) this.fail('WORKLOAD_INVALID', `step ${this.deps.step() ?? '?'}: no operation ${JSON.stringify(op)} (operations: ${Object.keys(this.workload.operations).join(', ')})`)
    const count = this.counts[op] as OperationCount
    count.runs++
    const p = this.deps.peers[peer] as Peer
    const running = this.apps.get(peer)
    if (!p.up) return { ok: false, code: 'PEER_DOWN' }
    if (running === undefined) return { ok: false, code: 'APP_DOWN' }
    const apps = this.apps
    let skipped: string | null = null
    const skip = (reason: unknown): void => {
      if (typeof reason !== 'string' || reason.length === 0 || reason.length > 80) this.fail('WORKLOAD_BROKEN', `operation ${op}: ctx.skip(reason) needs a reason of 1 to 80 characters, got ${JSON.stringify(reason)}`)
      skipped = reason
    }
    const opCtx: AnyContext = Object.create(this.ctx, {
      abandoned: { get: () => apps.get(peer)?.app !== running.app },
      skip: { value: skip }
    }) as AnyContext
    const result = this.call(`operation ${op} on peer ${peer} (step ${this.deps.step() ?? '?'})`,
      () => (spec as NonNullable<typeof spec>).run({ index: peer, store: running.store, app: running.app }, args, opCtx))
    // An operation must bound its own waits; one that does not is cut off here, not counted as done.
    const limit = this.deps.stepTimeoutMs * 2
    const outcome = await this.settleWithin(Promise.resolve(result), limit)
    if (outcome.state === 'pending') return { ok: false, code: 'OP_TIMEOUT' }
    if (outcome.state === 'rejected') return { ok: false, code: errorCode(outcome.error) }
    const value = outcome.value
    const out: StepOutput = value === undefined ? { ok: true } : { ok: true, result: toJson(value) }
    if (skipped === null) {
      count.ok++
      return out
    }
    count.skipped[skipped] = (count.skipped[skipped] ?? 0) + 1
    return { ...out, skipped }
  }

  /** The workload's invariants, now. One that throws is a broken workload. */
  checkInvariants (atMs: number, step: number | null): CheckResult {
    const out: CheckResult = { checked: 0, violations: [] }
    if (this.error !== null) return out
    for (const [name, fn] of Object.entries(this.workload.invariants ?? {})) {
      out.checked++
      const found = this.call(`invariant ${name}${step === null ? '' : ` (after step ${step})`}`, () => fn(this.ctx))
      for (const detail of messages(found, `invariant ${name}`, (m) => this.fail('WORKLOAD_BROKEN', m))) out.violations.push(this.violation(`${name}: ${detail}`, atMs, step))
    }
    return out
  }

  /**
   * The final check, driven for up to `deps.checkTimeoutMs`, the workload's
   * `checkTimeoutMs`, else `fallbackMs` of virtual time. A check that throws is a broken
   * workload; one that does not finish in time is a violation naming the limit and the
   * peer whose app it asked for last.
   */
  async finalCheck (fallbackMs: number): Promise<CheckResult> {
    const timeoutMs = this.deps.checkTimeoutMs ?? this.workload.checkTimeoutMs ?? fallbackMs
    const out: CheckResult = { checked: 0, violations: [] }
    const check = this.workload.check
    if (check === undefined || this.error !== null) return out
    out.checked++
    const { scheduler } = this.deps
    const at = (): number => scheduler.clock.elapsedMs
    // A failing read planned before the heal can land after it and stop an app again.
    const run = async (): Promise<unknown> => {
      await this.healed()
      const checkCtx: AnyContext = Object.create(this.ctx, {
        app: { value: (i: number) => { this.lastAsked = i; return this.ctx.app(i) } }
      }) as AnyContext
      return await this.call('final check', () => check(checkCtx))
    }
    const outcome = await scheduler.run(run(), timeoutMs)
    if (outcome.state === 'pending') {
      const asked = this.lastAsked === null ? 'it asked for no peer\'s app' : `it last asked for the app of peer ${this.lastAsked}`
      out.violations.push(this.violation(`final check: did not finish within ${limitText('check', timeoutMs)} after the heal; ${asked}`, at(), null, this.lastAsked ?? undefined))
    } else if (outcome.state === 'rejected') {
      if (outcome.error instanceof WorkloadError) throw outcome.error
      this.fail('WORKLOAD_BROKEN', `final check threw: ${oneLine(outcome.error)}`)
    } else {
      for (const detail of messages(outcome.value, 'final check', (m) => this.fail('WORKLOAD_BROKEN', m))) out.violations.push(this.violation(`final check: ${detail}`, at(), null))
    }
    this.deps.trace.record('workload-check', { w: this.workload.name, bad: out.violations.length })
    return out
  }

  /** Calls workload code; a synchronous throw becomes a WorkloadError naming `what`. */
  private call<T> (what: string, fn: () => T): T {
    try {
      return fn()
    } catch (err) {
      if (err instanceof WorkloadError) throw err
      return this.fail('WORKLOAD_BROKEN', `${what} threw: ${oneLine(err)}`)
    }
  }

  /** Marks the workload broken and throws. */
  fail (code: string, message: string): never {
    const err = new WorkloadError(code, this.workload.name, message)
    this.error ??= err
    throw err
  }

  private violation (detail: string, atMs: number, step: number | null, peer?: number): Violation {
    return { invariant: 'workload', atMs, step, ...(peer === undefined ? {} : { peer }), detail: `${this.workload.name}.${detail}` }
  }

  private violate (detail: string, peer: number): void {
    const result = { checked: 1, violations: [this.violation(detail, this.deps.scheduler.clock.elapsedMs, this.deps.step(), peer)] }
    this.deps.log.account(result)
  }

  /** Waits for `promise` up to `ms` of virtual time (the caller is being driven); null if it resolved, else why not. */
  private async within (promise: Promise<unknown>, ms: number, limit: 'setup' | null): Promise<string | null> {
    let outcome
    try {
      outcome = await this.settleWithin(promise, ms)
    } catch (err) {
      return `threw: ${oneLine(err)}`
    }
    if (outcome.state === 'pending') return `did not resolve within ${limit === null ? `${ms} ms of virtual time` : limitText(limit, ms)}`
    if (outcome.state === 'rejected') return `failed: ${oneLine(outcome.error)}`
    return null
  }

  private settleWithin<T> (promise: Promise<T>, ms: number): Promise<{ state: 'resolved', value: T } | { state: 'rejected', error: unknown } | { state: 'pending' }> {
    const clock = this.deps.scheduler.clock
    return new Promise((resolve) => {
      const timer = clock.setTimeout(() => resolve({ state: 'pending' }), ms)
      promise.then(
        (value) => { clock.clearTimeout(timer); resolve({ state: 'resolved', value }) },
        (error: unknown) => { clock.clearTimeout(timer); resolve({ state: 'rejected', error }) }
      )
    })
  }
}
