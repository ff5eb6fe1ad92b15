import type { LinkOptions } from '../network/link'
import type { PeerOptions } from '../peers/peer-options'
import { PEER_NET_FAULT_KINDS, type FaultKind, type PeerNetFaultKind, type StepResult } from './steps'
import { Sim } from '../sim'
import { generateScenario, type FaultProfile, type Scenario, type ScenarioOptions } from './generator'
import type { StoreFactory } from '../peers/store-factory'
import type { TraceOptions } from '../trace/trace'
import { checkOf, type InvariantName, type Violation } from '../checks/invariants'
import type { DiskStats } from '../disk/sim-disk'
import type { AnyWorkload } from '../workloads/workload'
import type { OperationCount } from '../workloads/host'
import { loadWorkload } from '../workloads/load'
import type { FeatureCounts } from './features'

/** Progress of a run, reported after every step. */
export interface RunProgress {
  phase: 'faults' | 'heal' | 'close'
  /** Steps done. */
  step: number
  steps: number
  /** Virtual time, ms since the run started. */
  virtualMs: number
}

/** How a scenario runs: everything but the scenario itself. */
export interface RunSettings {
  /** Store under test: `project`, `upstream`, a package name or a factory. Default `project`. */
  store?: string | StoreFactory
  /** Virtual time allowed for convergence after healing, in ms. Default 120,000. */
  healTimeoutMs?: number
  /** Virtual time after convergence, in ms, for GC to collect the idle cores. Default 30,000. */
  cooldownMs?: number
  link?: LinkOptions
  peer?: PeerOptions
  stepTimeoutMs?: number
  /** Virtual time one workload setup may take, in ms. Default: the workload's `setupTimeoutMs`, else `stepTimeoutMs`. */
  setupTimeoutMs?: number
  /** Virtual time the workload's final check may take, in ms. Default: the workload's `checkTimeoutMs`, else `healTimeoutMs`. */
  checkTimeoutMs?: number
  /** Probability that a GC close is raced by a get on the same core. Default 0.5. */
  gcRace?: number
  trace?: TraceOptions
  /** Called after every step. */
  onProgress?: (progress: RunProgress) => void
  /** Called with every step's result, in order (a differential test compares them). */
  onStep?: (result: StepResult) => void
  /** Real clock for `realMs`, in ms. Default `performance.now`. */
  realNow?: () => number
  /** Workloads made in code: a scenario's `workload` name is looked up here first (then built-in names, then module paths). */
  workloads?: readonly AnyWorkload[]
  /**
   * Stop as soon as this invariant is violated: the remaining steps, the heal phase and
   * the cool-down are skipped (the simulation still closes). For shrinking, which only
   * asks whether a candidate still fails. Default: run everything.
   */
  stopOnInvariant?: InvariantName
  /** With `stopOnInvariant: 'workload'`: stop only at a violation of this app check (see `checkOf`). */
  stopOnCheck?: string
}

/** Options of `runScenario()`: the scenario to generate and how to run it. Only `seed` is required. */
export interface RunOptions extends ScenarioOptions, RunSettings {}

/** What a run did. `toJsonResult()` picks the fields of `--json`. */
export interface RunResult {
  seed: number
  store: string
  peers: number
  cores: number
  steps: number
  /** Virtual time of the whole run, in ms. */
  virtualMs: number
  /** Real time of the whole run, in ms (setup and teardown included). */
  realMs: number
  /** virtualMs / realMs. */
  speedup: number
  /** Messages and bytes delivered over all links. */
  messages: number
  bytes: number
  /** Faults injected, by kind (every kind of the profile, 0 included). */
  faults: Partial<Record<FaultKind, number>>
  faultProfile: FaultProfile
  /** What the peers' disks did: operations, stalls, failed writes and reads. */
  disk: DiskStats
  /** Cores closed by GC. */
  gcCollected: number
  /** GC closes raced by a get (each must get a working session). */
  gcRaces: number
  /** Of those, races a disk fault failed or a restart cut short (not checked). */
  gcRacesAbandoned: number
  /** Core closes that failed on a disk refusing writes (tolerated, not violations; see LivenessChecks). */
  failedCoreCloses: number
  /** Unhandled rejections of a crashed peer's own work, dropped (tolerated, not violations; see Sim.crashAbandoned). */
  crashAbandoned: number
  invariantsChecked: number
  violations: Violation[]
  converged: boolean
  /** Virtual ms the heal phase took to converge. */
  convergeMs: number
  /** Timers fired. */
  events: number
  /** Peak resident set size of the process, in MB. */
  maxRssMb: number
  traceHash: string
  /** The workload's name, or null. */
  workload: string | null
  /** Workload operations run, by name, and how many of them resolved. Empty without a workload. */
  operations: Record<string, OperationCount>
  /** Api steps run per feature, and how many did real work (their oracle ran). Empty without features. */
  features: FeatureCounts
  /** What each step of the fault phase did, in order (virtual time when it finished). */
  stepResults: StepResult[]
  /** Features the run reached (search/signal.ts), when asked for (SimJob.signal); absent otherwise. */
  signal?: number[]
}

/**
 * Runs a generated scenario in two phases: a fault phase (the scenario's steps, each
 * followed by the invariant checks; at least `durationMs` of virtual time), then a heal
 * phase (every fault lifted, every crashed peer restarted; all holders of a core must
 * converge within `healTimeoutMs`), then a cool-down for GC, then a clean close.
 */
export async function runScenario (opts: RunOptions): Promise<RunResult> {
  const given = typeof opts.workload === 'object' ? [opts.workload, ...(opts.workloads ?? [])] : opts.workloads
  return runGivenScenario(generateScenario(opts), { ...opts, ...(given === undefined ? {} : { workloads: given }) }, true)
}

/**
 * Runs a scenario given as data (generated, edited, shrunk or loaded from a file) in
 * the phases of `runScenario`. Same scenario and settings, same trace. `generated`
 * (recorded in the trace) says the scenario is exactly what its seed and sizes
 * generate, so that `run --seed` replays it.
 */
export async function runGivenScenario (scenario: Scenario, opts: RunSettings = {}, generated = false): Promise<RunResult> {
  const realNow = opts.realNow ?? (() => performance.now())
  const started = realNow()
  const workload = scenario.workload === undefined ? undefined : loadWorkload(scenario.workload, { provided: opts.workloads ?? [] })
  const sim = await Sim.create({
    ...(workload === undefined ? {} : { workload }),
    seed: scenario.seed,
    peers: scenario.peers,
    cores: scenario.cores,
    links: scenario.links,
    gcRace: opts.gcRace ?? 0.5,
    ...(scenario.disks === undefined ? {} : { disks: scenario.disks }),
    ...(opts.store === undefined ? {} : { store: opts.store }),
    ...(opts.link === undefined ? {} : { link: opts.link }),
    ...(opts.peer === undefined ? {} : { peer: opts.peer }),
    ...(opts.stepTimeoutMs === undefined ? {} : { stepTimeoutMs: opts.stepTimeoutMs }),
    ...(opts.setupTimeoutMs === undefined ? {} : { setupTimeoutMs: opts.setupTimeoutMs }),
    ...(opts.checkTimeoutMs === undefined ? {} : { checkTimeoutMs: opts.checkTimeoutMs }),
    ...(opts.trace === undefined ? {} : { trace: opts.trace })
  })
  const progress = (phase: RunProgress['phase'], step: number): void => {
    opts.onProgress?.({ phase, step, steps: scenario.steps.length, virtualMs: sim.clock.installed ? sim.clock.elapsedMs : 0 })
  }
  let converged = false
  let convergeMs = 0
  let virtualMs = 0
  const stepResults: StepResult[] = []
  const stopped = (): boolean => opts.stopOnInvariant !== undefined &&
    sim.violations.some((v) => v.invariant === opts.stopOnInvariant && (opts.stopOnCheck === undefined || checkOf(v) === opts.stopOnCheck))
  try {
    // The workload by name: a module path is spelled from wherever the run started (a replay file
    // stores it relative to itself), and the same run must give the same trace from anywhere.
    sim.trace.record('scenario', { faults: scenario.faultProfile.rates, drawn: scenario.faultProfile.drawn, generated, links: scenario.links.length, readers: scenario.readers, steps: scenario.steps.length, durationMs: scenario.durationMs, ...(workload === undefined ? {} : { workload: workload.name }), ...featureFields(scenario) })
    sim.trace.record('phase', { name: 'faults' })
    for (let i = 0; i < scenario.steps.length && !stopped(); i++) {
      const result = await sim.apply(scenario.steps[i] as Scenario['steps'][number])
      stepResults.push(result)
      opts.onStep?.(result)
      progress('faults', i + 1)
    }
    if (!stopped()) {
      const left = scenario.durationMs - sim.clock.elapsedMs
      if (left > 0) await sim.advance(left)
      progress('heal', scenario.steps.length)
      sim.trace.record('phase', { name: 'heal' })
      const result = await sim.converge(opts.healTimeoutMs ?? 120_000)
      converged = result.ok
      convergeMs = result.waitedMs
    }
    if (!stopped()) await sim.checkWorkload(opts.healTimeoutMs ?? 120_000)
    if (!stopped()) {
      sim.trace.record('phase', { name: 'cooldown' })
      await sim.advance(opts.cooldownMs ?? 30_000)
      await sim.checkGcLiveness()
      progress('close', scenario.steps.length)
    }
  } finally {
    if (sim.clock.installed) virtualMs = sim.clock.elapsedMs
    await sim.close()
  }
  const realMs = realNow() - started
  const { messages, bytes } = sim.network.stats()
  const faults: Partial<Record<FaultKind, number>> = {}
  for (const kind of Object.keys(scenario.faultProfile.rates) as FaultKind[]) faults[kind] = sim.faults[kind] ?? 0
  return {
    seed: scenario.seed,
    store: sim.store.name,
    peers: scenario.peers,
    cores: scenario.cores.length,
    steps: scenario.steps.length,
    virtualMs,
    realMs: Math.round(realMs),
    speedup: realMs > 0 ? Math.round((virtualMs / realMs) * 10) / 10 : 0,
    messages,
    bytes,
    faults,
    faultProfile: scenario.faultProfile,
    disk: sim.disks.stats(),
    gcCollected: sim.peers.reduce((n, p) => n + p.collected, 0),
    gcRaces: sim.gcRaces,
    gcRacesAbandoned: sim.gcRacesAbandoned,
    failedCoreCloses: sim.failedCoreCloses,
    crashAbandoned: sim.crashAbandoned,
    invariantsChecked: sim.invariantsChecked,
    violations: sim.violations,
    converged,
    convergeMs,
    events: sim.scheduler.events,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    traceHash: sim.traceHash,
    workload: sim.workload?.workload.name ?? null,
    operations: sim.workload === null ? {} : { ...sim.workload.counts },
    features: { ...sim.featureCounts },
    stepResults
  }
}

/**
 * What the trace's scenario line says of api steps: their features, whether they were given
 * (`--features`), and the steps `run --steps` drew besides them, so that a report rebuilt
 * from the trace alone replays the run (`baseSteps`, when there are api, one-way or sleep steps).
 */
function featureFields (scenario: Scenario): Record<string, unknown> {
  const profile = scenario.featureProfile
  if (profile === undefined) return {}
  // Steps inserted on top of the `--steps` drawn: api steps, and one-way and sleep faults.
  const base = scenario.steps.filter((s) => s.kind !== 'api' && !PEER_NET_FAULT_KINDS.includes(s.kind as PeerNetFaultKind)).length
  return {
    features: profile.rates,
    ...(profile.drawn ? {} : { featuresGiven: true }),
    ...(base === scenario.steps.length ? {} : { baseSteps: base })
  }
}
