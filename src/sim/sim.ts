import fs from 'fs'
import type { CoreCatalog } from './peers/catalog'
import { converge, type ConvergenceResult } from './checks/convergence'
import { errorCode, type CheckResult, type Violation } from './checks/invariants'
import { quietMs } from './checks/liveness'
import { SimChecks } from './checks/sim-checks'
import type { Lifecycle } from './peers/lifecycle'
import type { Network } from './network/network'
import type { Peer } from './peers/peer'
import { Prng } from './random/prng'
import { checkStep, type FaultKind, type Step, type StepResult } from './scenario/steps'
import type { Scheduler, Outcome } from './clock/scheduler'
import { resolveSimOptions, type ResolvedSimOptions, type SimOptions } from './options'
import { executeStep, type StepContext, type StepOutput } from './scenario/executor'
import type { StoreFactory } from './peers/store-factory'
import { TRACE_FORMAT, type Trace } from './trace/trace'
import type { SimContext } from './context'
import type { VirtualClock } from './clock/virtual-clock'
import { lengthsOf, snapshotSim, type SimSnapshot } from './checks/snapshot'
import type { ViolationLog } from './checks/violation-log'
import type { SimDisks } from './disk/sim-disks'
import type { WorkloadHost } from './workloads/host'
import { WorkloadError } from './workloads/workload'
import { checkFdBudget, explainOpenFailure } from './peers/fd-budget'
import { buildParts } from './parts'
import type { FeatureCounts } from './scenario/features'

/**
 * A deterministic simulation of several stores replicating over simulated links, on a
 * virtual clock. One per process at a time: it replaces the timer globals, Date,
 * Math.random and setImmediate while it runs, and `close()` restores them.
 *
 * ```ts
 * const sim = await Sim.create({ seed: 1, peers: 3, cores: 2 })
 * await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 5 })
 * await sim.apply({ kind: 'get', peer: 1, core: 0, index: 4 })
 * await sim.advance(60_000)            // a minute of virtual time, in milliseconds
 * const violations = await sim.close() // [] when every invariant held
 * ```
 */
export class Sim implements SimContext {
  /** Options, defaults applied. */
  readonly options: ResolvedSimOptions
  readonly seed: number
  /** The store under test. */
  readonly store: StoreFactory
  readonly clock: VirtualClock
  /** Decides idleness and moves virtual time. */
  readonly scheduler: Scheduler
  readonly trace: Trace
  /** Links and link faults. */
  readonly network: Network
  /** Every peer's disk: latency and disk faults. */
  readonly disks: SimDisks
  /** The cores, with their keys. */
  readonly catalog: CoreCatalog
  /** The peers, by index. */
  readonly peers: Peer[]
  /** Invariant results so far. */
  readonly log: ViolationLog
  /** Faults injected so far, by kind. */
  readonly faults: Partial<Record<FaultKind, number>>
  /** The application running on the peers (`options.workload`), or null. */
  readonly workload: WorkloadHost | null
  /** Steps applied so far. */
  stepCount = 0
  /** Index of the step being applied, or null. */
  step: number | null = null
  /** Virtual timeout of one network-bound operation of a step, in ms. */
  readonly stepTimeoutMs: number
  private readonly dir: string
  private readonly steps: StepContext
  private readonly ownsDir: boolean
  private readonly lifecycle: Lifecycle
  private readonly checks: SimChecks
  private busy = false
  private closed = false
  private readonly onUnhandled = (err: unknown): void => { this.log.error(err) }

  private constructor (opts: ResolvedSimOptions) {
    this.options = opts
    this.seed = opts.seed
    this.stepTimeoutMs = opts.stepTimeoutMs
    const parts = buildParts(opts, () => this.step)
    this.store = parts.store
    this.clock = parts.clock
    this.scheduler = parts.scheduler
    this.trace = parts.trace
    this.log = parts.log
    this.network = parts.network
    this.disks = parts.disks
    this.catalog = parts.catalog
    this.peers = parts.peers
    this.workload = parts.workload
    this.lifecycle = parts.lifecycle
    this.steps = parts.steps
    this.faults = parts.faults
    this.dir = parts.dir
    this.ownsDir = parts.ownsDir
    this.checks = new SimChecks(this, new Prng(opts.seed).fork('gc-race'))
  }

  /** Every violation found so far. */
  get violations (): Violation[] {
    return this.log.violations
  }

  /** GC closes raced by a get so far (see `gcRace`). */
  get gcRaces (): number {
    return this.checks.racer.races
  }

  /** Races that could not end in a working session: the disk failed, or the store closed under them. */
  get gcRacesAbandoned (): number {
    return this.checks.racer.abandoned
  }

  /**
   * Unhandled rejections of a crashed peer's own work, dropped (tolerated, counted; see
   * `dropCrashedWork`).
   */
  crashAbandoned = 0

  /**
   * A real crash ends the process: nothing it started runs on. Here the crashed store's
   * and app's objects live on, and work already under way (an Autobase committing its
   * view in the instant of the crash) runs into the database the crash force-closed and
   * rejects with rocksdb-native's "RocksDB session is closed", which nobody awaits. Only
   * that error, only during the crash step (no other database closes then), is the dead
   * process's and not a violation; it is counted and traced. Seen on autobase seed 6.
   */
  private dropCrashedWork (step: number): void {
    const n = this.log.takeErrors((err) => err instanceof Error && err.message === 'RocksDB session is closed')
    if (n === 0) return
    this.crashAbandoned += n
    this.trace.record('tolerated', { why: 'crashed-work', n, step })
  }

  /** Core closes that failed on a disk refusing writes, left `closed: false` (tolerated, counted: see LivenessChecks.failedCloses). */
  get failedCoreCloses (): number {
    return this.checks.liveness.failedCloses
  }

  /** Api steps run so far and how many did real work, per feature (see scenario/features). */
  get featureCounts (): FeatureCounts {
    return this.steps.featureCounts
  }

  /** Individual invariant conditions evaluated so far. */
  get invariantsChecked (): number {
    return this.log.checked
  }

  /** Builds a simulation: opens every peer's store, creates the cores on their owners, links peers. */
  static async create (options: SimOptions): Promise<Sim> {
    const resolved = resolveSimOptions(options)
    checkFdBudget(resolved.peers)
    const sim = new Sim(resolved)
    sim.scheduler.start(sim.disks)
    process.on('unhandledRejection', sim.onUnhandled)
    try {
      await sim.setup()
    } catch (err) {
      // Counted before close() gives the descriptors back: the real cause, not the next error.
      const explained = explainOpenFailure(err, resolved.peers)
      await sim.close().catch(noop)
      throw explained
    }
    return sim
  }

  private async setup (): Promise<void> {
    const o = this.options
    this.trace.record('sim', { fmt: TRACE_FORMAT, seed: o.seed, peers: o.peers, cores: o.cores.length, store: this.store.name, gc: this.store.tunableGc ? [o.peer.gcIntervalMs, o.peer.gcStrikes] : 'fixed', ...(o.workload === null ? {} : { workload: o.workload.name }) })
    await this.lifecycle.setup(o.cores, o.links, o.peer.notDownloadingLingerMs, this.stepTimeoutMs)
    if (this.workload !== null) {
      this.scheduler.beginEpoch()
      await this.workload.setupAll()
    }
  }

  private enter (): void {
    if (this.closed) throw new Error('the simulation is closed')
    if (this.busy) throw new Error('the simulation is busy: await each call before the next')
    this.busy = true
  }

  /** Applies one step, checks the invariants, and returns what it observed. */
  async apply (step: Step): Promise<StepResult> {
    checkStep(step, this.peers.length, this.catalog.size)
    this.enter()
    const index = this.stepCount++
    this.step = index
    try {
      this.trace.record('step', { i: index, s: step })
      this.scheduler.beginEpoch()
      let out: StepOutput
      if (step.kind === 'advance') {
        await this.scheduler.advance(step.ms)
        out = { ok: true }
      } else {
        const outcome = await this.scheduler.run(executeStep(this.steps, step), this.stepTimeoutMs * 3)
        if (outcome.state === 'resolved') out = outcome.value
        else if (outcome.state === 'rejected' && outcome.error instanceof WorkloadError) throw outcome.error
        else if (outcome.state === 'rejected') out = { ok: false, code: errorCode(outcome.error) }
        else {
          out = { ok: false, code: 'STUCK' }
          this.log.violate('step-stuck', `step did not finish within ${this.stepTimeoutMs * 3} ms`, this.clock.elapsedMs, index)
        }
      }
      if (step.kind === 'crash' || step.kind === 'power-loss') this.dropCrashedWork(index)
      const result: StepResult = { index, step, atMs: this.clock.elapsedMs, ...out }
      this.trace.record('res', { i: index, ok: out.ok, ...(out.code === undefined ? {} : { code: out.code }), ...(out.value === undefined ? {} : { v: out.value }), ...(out.result === undefined ? {} : { r: out.result }), ...(out.skipped === undefined ? {} : { skip: out.skipped }) })
      this.checks.afterStep()
      this.trace.record('len', { i: index, v: lengthsOf(this.peers, this.catalog) })
      return result
    } finally {
      this.step = null
      this.busy = false
    }
  }

  /** Applies steps in order; returns their results. */
  async run (steps: readonly Step[]): Promise<StepResult[]> {
    const out: StepResult[] = []
    for (const step of steps) out.push(await this.apply(step))
    return out
  }

  /** Lets `ms` of virtual time pass (a step of its own, not traced as one). */
  async advance (ms: number): Promise<void> {
    this.enter()
    try {
      await this.scheduler.advance(ms)
    } finally {
      this.busy = false
    }
  }

  /** Waits until the system is idle, without moving virtual time. */
  async settle (): Promise<void> {
    await this.scheduler.settle()
  }

  /** Drives `promise` on the virtual clock until it settles or `timeoutMs` passes. */
  async drive<T> (promise: Promise<T>, timeoutMs = this.stepTimeoutMs): Promise<Outcome<T>> {
    this.enter()
    try {
      return await this.scheduler.run(promise, timeoutMs)
    } finally {
      this.busy = false
    }
  }

  /** Checks the step invariants now; returns what it found (also added to `violations`). */
  check (): CheckResult {
    return this.checks.afterStep()
  }

  /**
   * GC liveness, at the end of the cool-down: stops racing GC (a race reopens the core
   * GC just closed), lets replication go quiet and the GC strikes pass, then checks
   * every peer keeps open exactly the cores live sessions hold.
   */
  async checkGcLiveness (): Promise<CheckResult> {
    for (const peer of this.peers) peer.onclosing = noop
    await this.advance(quietMs(this.options.peer, this.store.tunableGc))
    return this.checks.gcLiveness()
  }

  /**
   * The workload's final check (see `Workload.check`), driven for up to `timeoutMs` of
   * virtual time; call it at quiescence, after `converge`. Returns what it found (also
   * added to `violations`); throws a WorkloadError if the check itself is broken.
   */
  async checkWorkload (timeoutMs: number): Promise<CheckResult> {
    this.enter()
    try {
      if (this.workload === null) return { checked: 0, violations: [] }
      this.scheduler.beginEpoch()
      const result = await this.workload.finalCheck(timeoutMs)
      this.log.account(result)
      return result
    } finally {
      this.busy = false
    }
  }

  /** What every peer holds now, for models to compare against. */
  snapshot (): SimSnapshot {
    return snapshotSim(this.peers, this.catalog, this.clock.elapsedMs)
  }

  /** Lifts every fault and restarts every crashed peer (see also `converge`). */
  async heal (): Promise<void> {
    await this.drive(this.lifecycle.healAll())
  }

  /** Lifts every fault, then requires every holder of a core to converge within `timeoutMs`. */
  async converge (timeoutMs: number): Promise<ConvergenceResult> {
    this.enter()
    try {
      await this.scheduler.run(this.lifecycle.healAll(), this.stepTimeoutMs)
      // Bit rot and power loss could leave a replica with other bytes under the same tree: compare blocks too.
      const contents = (this.faults['corrupt-read'] ?? 0) + (this.faults['power-loss'] ?? 0) > 0
      const result = await converge(this, timeoutMs, contents)
      this.log.account({ checked: result.checked, violations: result.violations })
      return result
    } finally {
      this.busy = false
    }
  }

  /** SHA-256 of the trace so far. */
  get traceHash (): string {
    return this.trace.hash
  }

  /**
   * Closes every peer cleanly, checks that nothing was left open (stores, cores,
   * sessions, timers, storage work), restores the globals and removes the temporary
   * folder. Returns every violation of the run.
   */
  async close (): Promise<Violation[]> {
    if (this.closed) return this.violations
    this.busy = true
    try {
      this.lifecycle.stop()
      if (this.clock.installed) {
        await this.lifecycle.closeAll(this.stepTimeoutMs)
        this.checks.atClose()
        this.trace.record('end', { violations: this.violations.length })
      }
    } finally {
      this.closed = true
      this.scheduler.stop()
      process.removeListener('unhandledRejection', this.onUnhandled)
      this.trace.close()
      if (this.ownsDir) fs.rmSync(this.dir, { recursive: true, force: true })
    }
    return this.violations
  }
}

function noop (): void {}
