import fs from 'fs'
import os from 'os'
import path from 'path'
import { CoreCatalog } from './peers/catalog'
import { converge, type ConvergenceResult } from './checks/convergence'
import { checkClosed, checkSessions, errorCode, type CheckContext, type CheckResult, type Violation } from './checks/invariants'
import { GcRacer } from './checks/gc-racer'
import { LivenessChecks, quietMs } from './checks/liveness'
import { Lifecycle } from './peers/lifecycle'
import { MathRandomRoute } from './random/math-random'
import type { LinkStream } from './network/link'
import { Network } from './network/network'
import { Peer } from './peers/peer'
import { Prng } from './random/prng'
import { checkStep, type FaultKind, type Step, type StepResult } from './scenario/steps'
import { Scheduler, type Outcome } from './clock/scheduler'
import { resolveSimOptions, type ResolvedSimOptions, type SimOptions } from './options'
import { executeStep, type StepContext, type StepOutput } from './scenario/executor'
import { resolveStoreFactory, type StoreFactory } from './peers/store-factory'
import { Trace, TRACE_FORMAT } from './trace/trace'
import type { SimContext } from './context'
import { VirtualClock } from './clock/virtual-clock'
import { lengthsOf, snapshotSim, type SimSnapshot } from './checks/snapshot'
import { ViolationLog } from './checks/violation-log'
import { SimDisks } from './disk/sim-disks'
import { WorkloadHost } from './workloads/host'
import { WorkloadError } from './workloads/workload'
import { checkFdBudget, explainOpenFailure } from './peers/fd-budget'

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
  readonly catalog = new CoreCatalog()
  /** The peers, by index. */
  readonly peers: Peer[] = []
  /** Invariant results so far. */
  readonly log: ViolationLog
  /** Faults injected so far, by kind. */
  readonly faults: Partial<Record<FaultKind, number>> = {}
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
  private readonly racer: GcRacer
  private readonly liveness: LivenessChecks
  private busy = false
  private faultIds = 0
  private closed = false
  private readonly onUnhandled = (err: unknown): void => { this.log.error(err) }

  private constructor (opts: ResolvedSimOptions) {
    this.options = opts
    this.seed = opts.seed
    this.stepTimeoutMs = opts.stepTimeoutMs
    // Loaded now, before any global is replaced (upstream's hypercore included).
    this.store = resolveStoreFactory(opts.store)
    const prng = new Prng(opts.seed)
    this.clock = new VirtualClock()
    this.scheduler = new Scheduler(this.clock, new MathRandomRoute(prng.fork('math-random').seed))
    this.trace = new Trace(() => this.clock.installed ? this.clock.elapsedMs : 0, opts.trace)
    this.log = new ViolationLog(this.trace)
    this.network = new Network({
      clock: this.clock,
      prng: prng.fork('network'),
      trace: this.trace,
      openStreams: (a, b) => this.openStreams(a, b)
    }, { link: opts.link, reconnectDelayMs: opts.reconnectDelayMs })
    this.ownsDir = opts.dir === null
    this.dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'corestore-sim-'))
    for (let i = 0; i < opts.peers; i++) {
      const peer = new Peer(i, path.join(this.dir, `peer-${i}`), prng.fork(`peer/${i}`).bytes(32), this.store, this.catalog, opts.peer)
      peer.oncollect = (core) => this.trace.record('gc', { p: i, c: core })
      this.peers.push(peer)
    }
    this.disks = new SimDisks({
      clock: this.clock,
      gate: this.scheduler.gate,
      prng: (i) => prng.fork(`disk/${i}`)
    }, this.peers.map((p) => p.dir), opts.disks)
    for (const disk of this.disks.disks) {
      disk.onfail = (kind, code) => this.trace.record('dfail', { p: disk.index, op: kind, code })
    }
    try {
      this.workload = opts.workload === null
        ? null
        : new WorkloadHost(opts.workload, { peers: this.peers, scheduler: this.scheduler, trace: this.trace, log: this.log, stepTimeoutMs: this.stepTimeoutMs, step: () => this.step })
    } catch (err) {
      if (this.ownsDir) fs.rmSync(this.dir, { recursive: true, force: true })
      throw err
    }
    this.lifecycle = new Lifecycle({
      app: this.workload,
      peers: this.peers,
      catalog: this.catalog,
      network: this.network,
      disks: this.disks,
      scheduler: this.scheduler,
      trace: this.trace,
      log: this.log,
      context: () => this.context()
    })
    this.racer = new GcRacer(this, prng.fork('gc-race'), opts.gcRace)
    this.racer.attach()
    this.liveness = new LivenessChecks({
      peers: this.peers,
      catalog: this.catalog,
      log: this.log,
      now: () => this.clock.installed ? this.clock.elapsedMs : 0,
      step: () => this.step,
      refusesWrites: (i) => this.disks.get(i).readOnly,
      runsApp: () => this.workload !== null
    })
    this.liveness.attach()
    const lifecycle = this.lifecycle
    this.steps = {
      peers: this.peers,
      catalog: this.catalog,
      network: this.network,
      disks: this.disks,
      clock: this.clock,
      trace: this.trace,
      stepTimeoutMs: this.stepTimeoutMs,
      violate: (invariant, detail, peer, core) => {
        this.log.account({ checked: 1, violations: [{ invariant, atMs: this.clock.elapsedMs, step: this.step, peer, core, detail }] })
      },
      passed: (n) => this.log.passed(n),
      countFault: (kind) => { this.faults[kind] = (this.faults[kind] ?? 0) + 1 },
      nextFaultId: () => ++this.faultIds,
      later: (delayMs, fn) => lifecycle.later(delayMs, fn),
      crashPeer: (i) => lifecycle.crashPeer(i),
      afterStorageCompletions: (count) => this.scheduler.afterStorageCompletions(count),
      closePeer: (i) => lifecycle.closePeer(i),
      restartPeer: (i) => lifecycle.restartPeer(i),
      recoverPeer: (i) => lifecycle.recoverPeer(i),
      healAll: () => lifecycle.healAll(),
      runOp: (peer, op, args) => {
        if (this.workload === null) throw new RangeError(`step op ${op}: the simulation has no workload`)
        return this.workload.runOp(peer, op, args)
      }
    }
  }

  /** Every violation found so far. */
  get violations (): Violation[] {
    return this.log.violations
  }

  /** GC closes raced by a get so far (see `gcRace`). */
  get gcRaces (): number {
    return this.racer.races
  }

  /** Races that could not end in a working session: the disk failed, or the store closed under them. */
  get gcRacesAbandoned (): number {
    return this.racer.abandoned
  }

  /** Core closes that failed on a disk refusing writes, left `closed: false` (tolerated, counted: see LivenessDeps.refusesWrites). */
  get failedCoreCloses (): number {
    return this.liveness.failedCloses
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

  private openStreams (a: number, b: number): [LinkStream, LinkStream] | null {
    const pa = this.peers[a] as Peer
    const pb = this.peers[b] as Peer
    if (!pa.up || !pb.up) return null
    return [pa.requireStore().replicate(true), pb.requireStore().replicate(false)]
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
      const result: StepResult = { index, step, atMs: this.clock.elapsedMs, ...out }
      this.trace.record('res', { i: index, ok: out.ok, ...(out.code === undefined ? {} : { code: out.code }), ...(out.value === undefined ? {} : { v: out.value }), ...(out.result === undefined ? {} : { r: out.result }) })
      this.runChecks()
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
    return this.runChecks()
  }

  private context (): CheckContext {
    return { peers: this.peers, catalog: this.catalog, atMs: this.clock.elapsedMs, step: this.step }
  }

  /**
   * GC liveness, at the end of the cool-down: stops racing GC (a race reopens the core
   * GC just closed), lets replication go quiet and the GC strikes pass, then checks
   * every peer keeps open exactly the cores live sessions hold.
   */
  async checkGcLiveness (): Promise<CheckResult> {
    for (const peer of this.peers) peer.onclosing = noop
    await this.advance(quietMs(this.options.peer, this.store.tunableGc))
    const result = this.liveness.checkGcLiveness()
    this.log.account(result)
    return result
  }

  private runChecks (): CheckResult {
    const result = checkSessions(this.context())
    const live = this.liveness.check()
    result.checked += live.checked
    result.violations.push(...live.violations)
    const hung = this.racer.checkHung(this.clock.elapsedMs, this.step)
    result.checked += hung.checked
    result.violations.push(...hung.violations)
    this.log.drainErrors(result, this.clock.elapsedMs, this.step, this.scheduler.errors.splice(0))
    if (this.workload !== null) {
      // A workload broken where nobody could throw (a restart's setup in a timer) stops the run here.
      if (this.workload.error !== null) throw this.workload.error
      const app = this.workload.checkInvariants(this.clock.elapsedMs, this.step)
      result.checked += app.checked
      result.violations.push(...app.violations)
    }
    this.log.account(result)
    return result
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
      const result = await converge(this, timeoutMs)
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
        if (this.workload?.error === null) this.runChecks()
        else this.log.account(checkSessions(this.context()))
        this.log.account(checkClosed(this.context(), {
          timers: this.clock.pendingTimers,
          storageOps: this.scheduler.gate.inflight,
          immediates: this.scheduler.immediates.pending
        }))
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
