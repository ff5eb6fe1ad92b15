import fs from 'fs'
import os from 'os'
import path from 'path'
import { CoreCatalog } from './catalog'
import { converge, type ConvergenceResult } from './convergence'
import { checkClosed, checkDurability, checkSessions, errorCode, type CheckContext, type CheckResult, type Drive, type InvariantName, type Violation } from './invariants'
import { MathRandomRoute } from './math-random'
import type { LinkStream } from './link'
import { Network } from './network'
import { Peer } from './peer'
import { Prng } from './prng'
import { checkStep, type FaultKind, type Step, type StepResult } from './scenario'
import { Scheduler, type Outcome } from './scheduler'
import { resolveSimOptions, type ResolvedSimOptions, type SimOptions } from './sim-options'
import { executeStep, type StepContext, type StepOutput } from './step-executor'
import { resolveStoreFactory, type StoreFactory } from './store-factory'
import { Trace } from './trace'
import { VirtualClock, type ClockTimer } from './virtual-clock'
import { snapshotSim, type SimSnapshot } from './snapshot'

/** Passive drive: inside a step the simulator is already driving the clock. */
const passive: Drive = <T>(p: Promise<T>): Promise<Outcome<T>> =>
  p.then((value) => ({ state: 'resolved' as const, value }), (error: unknown) => ({ state: 'rejected' as const, error }))

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
export class Sim implements StepContext {
  readonly options: ResolvedSimOptions
  readonly seed: number
  readonly store: StoreFactory
  readonly clock: VirtualClock
  readonly scheduler: Scheduler
  readonly trace: Trace
  readonly network: Network
  readonly catalog = new CoreCatalog()
  readonly peers: Peer[] = []
  /** Every violation found so far. */
  readonly violations: Violation[] = []
  /** Individual invariant conditions evaluated so far. */
  invariantsChecked = 0
  /** Faults injected so far, by kind. */
  readonly faults: Partial<Record<FaultKind, number>> = {}
  /** Steps applied so far. */
  stepCount = 0
  /** Index of the step being applied, or null. */
  step: number | null = null
  readonly stepTimeoutMs: number
  private readonly dir: string
  private readonly ownsDir: boolean
  private readonly laterTimers = new Set<ClockTimer>()
  private readonly errors: unknown[] = []
  private busy = false
  private closed = false
  private readonly onUnhandled = (err: unknown): void => { this.errors.push(err) }

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
  }

  /** Builds a simulation: opens every peer's store, creates the cores on their owners, links peers. */
  static async create (options: SimOptions): Promise<Sim> {
    const sim = new Sim(resolveSimOptions(options))
    sim.scheduler.start()
    process.on('unhandledRejection', sim.onUnhandled)
    try {
      await sim.setup()
    } catch (err) {
      await sim.close().catch(noop)
      throw err
    }
    return sim
  }

  private async setup (): Promise<void> {
    const o = this.options
    this.trace.record('sim', { seed: o.seed, peers: o.peers, cores: o.cores.length, store: this.store.name, gc: this.store.tunableGc ? [o.peer.gcIntervalMs, o.peer.gcStrikes] : 'fixed' })
    for (const peer of this.peers) await this.must(this.openPeer(peer), `open peer ${peer.index}`)
    for (const spec of o.cores) {
      const owner = this.peers[spec.owner] as Peer
      const session = owner.requireStore().get({ name: spec.name, notDownloadingLinger: o.peer.notDownloadingLingerMs })
      await this.must(session.ready(), `create core ${spec.name}`)
      const entry = this.catalog.add(spec, session.key as Buffer, session.discoveryKey as Buffer)
      owner.holds.add(entry.index)
      this.trace.record('core', { c: entry.index, owner: spec.owner, key: entry.key.toString('hex') })
      await this.must(session.close(), `close core ${spec.name}`)
    }
    for (const [a, b] of o.links) this.network.connect(a, b)
    await this.scheduler.settle()
  }

  /** Opens a peer's store: held work (see Scheduler.hold), with the real Date (see VirtualClock.withRealDate). */
  private openPeer (peer: Peer): Promise<void> {
    return this.scheduler.hold(this.clock.withRealDate(() => peer.open()))
  }

  private async must<T> (promise: Promise<T>, what: string): Promise<T> {
    const outcome = await this.scheduler.run(promise, this.stepTimeoutMs)
    if (outcome.state === 'resolved') return outcome.value
    throw new Error(`${what}: ${outcome.state === 'pending' ? 'timed out' : String((outcome.error as Error)?.message ?? outcome.error)}`)
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
        const outcome = await this.scheduler.run(executeStep(this, step), this.stepTimeoutMs * 3)
        if (outcome.state === 'resolved') out = outcome.value
        else if (outcome.state === 'rejected') out = { ok: false, code: errorCode(outcome.error) }
        else {
          out = { ok: false, code: 'STUCK' }
          this.violate('step-stuck', `step did not finish within ${this.stepTimeoutMs * 3} ms`)
        }
      }
      const result: StepResult = { index, step, atMs: this.clock.elapsedMs, ...out }
      this.trace.record('res', { i: index, ok: out.ok, ...(out.code === undefined ? {} : { code: out.code }), ...(out.value === undefined ? {} : { v: out.value }) })
      this.runChecks()
      this.recordLengths(index)
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

  private runChecks (): CheckResult {
    const result = checkSessions(this.context())
    for (const err of [...this.scheduler.errors.splice(0), ...this.errors.splice(0)]) {
      result.violations.push({ invariant: 'uncaught-error', atMs: this.clock.elapsedMs, step: this.step, detail: describeError(err) })
    }
    this.account(result)
    return result
  }

  private account (result: CheckResult): void {
    this.invariantsChecked += result.checked
    this.violations.push(...result.violations)
    for (const v of result.violations) this.trace.record('violation', { ...v })
    if (result.checked > 0) this.trace.record('inv', { n: result.checked, bad: result.violations.length })
  }

  private violate (invariant: InvariantName, detail: string): void {
    this.account({ checked: 1, violations: [{ invariant, atMs: this.clock.elapsedMs, step: this.step, detail }] })
  }

  private recordLengths (index: number): void {
    const v: Array<[number, number, number]> = []
    for (const peer of this.peers) {
      if (peer.store === null) continue
      for (const entry of this.catalog.entries) {
        const length = peer.store.cores.get(entry.id)?.state?.length
        if (length !== undefined) v.push([peer.index, entry.index, length])
      }
    }
    this.trace.record('len', { i: index, v })
  }

  /** What every peer holds now, for models to compare against. */
  snapshot (): SimSnapshot {
    return snapshotSim(this.peers, this.catalog, this.clock.elapsedMs)
  }

  countFault (kind: FaultKind): void {
    this.faults[kind] = (this.faults[kind] ?? 0) + 1
  }

  later (delayMs: number, fn: () => void): void {
    const timer = this.clock.setTimeout(() => {
      this.laterTimers.delete(timer)
      try {
        fn()
      } catch (err) {
        this.errors.push(err)
      }
    }, delayMs)
    this.laterTimers.add(timer)
  }

  async crashPeer (i: number): Promise<void> {
    this.network.peerDown(i)
    this.trace.record('crash', { p: i })
    await this.scheduler.hold((this.peers[i] as Peer).crash())
  }

  async closePeer (i: number): Promise<void> {
    this.network.peerDown(i)
    this.trace.record('close', { p: i })
    await this.scheduler.hold((this.peers[i] as Peer).close())
  }

  async restartPeer (i: number): Promise<CheckResult> {
    const peer = this.peers[i] as Peer
    if (peer.up || this.closed) return { checked: 0, violations: [] }
    this.trace.record('restart', { p: i })
    try {
      await this.openPeer(peer)
    } catch (err) {
      this.errors.push(err)
      return { checked: 0, violations: [] }
    }
    this.network.peerUp(i)
    const result = await checkDurability(this.context(), peer, passive)
    this.account(result)
    return result
  }

  async healAll (): Promise<void> {
    for (const timer of this.laterTimers) this.clock.clearTimeout(timer)
    this.laterTimers.clear()
    this.trace.record('heal')
    this.network.healAll()
    for (const peer of this.peers) {
      if (peer.state === 'crashed') await this.restartPeer(peer.index)
    }
  }

  /** Lifts every fault, then requires every holder of a core to converge within `timeoutMs`. */
  async converge (timeoutMs: number): Promise<ConvergenceResult> {
    this.enter()
    try {
      await this.scheduler.run(this.healAll(), this.stepTimeoutMs)
      const result = await converge(this, timeoutMs)
      this.account({ checked: result.checked, violations: result.violations })
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
      for (const timer of this.laterTimers) this.clock.clearTimeout(timer)
      this.laterTimers.clear()
      if (this.clock.installed) {
        this.network.cutAll()
        for (const peer of this.peers) {
          const outcome = await this.scheduler.run(this.scheduler.hold(peer.close()), this.stepTimeoutMs)
          if (outcome.state !== 'resolved') this.errors.push(outcome.state === 'pending' ? new Error(`closing peer ${peer.index} timed out`) : outcome.error)
        }
        await this.scheduler.settle()
        this.runChecks()
        this.account(checkClosed(this.context(), {
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

function describeError (err: unknown): string {
  if (err instanceof Error) return `${errorCode(err)}: ${err.message}`
  return String(err)
}

function noop (): void {}
