import { checkWorkloadLoads, type ScenarioArgs } from './args'
import { CliError } from './usage'
import { checkFdBudget, FdLimitError } from '../peers/fd-budget'
import type { InvariantName } from '../checks/invariants'
import type { Scenario } from '../scenario/generator'
import { runGivenScenario, runScenario, type RunProgress, type RunResult, type RunSettings } from '../scenario/runner'
import type { ReplayOptions } from '../shrink/replay-file'
import { RunSignal } from '../search/signal'

/** Runs a scenario generated from a seed (`corestore-sim run`, one seed of `fuzz`). */
export interface SeedJob {
  kind: 'seed'
  args: ScenarioArgs
  /** Workload name or module path; null: none. */
  workload: string | null
  /** Trace file to write; null: none. */
  trace: string | null
  /** Stacks file beside the trace (TraceOptions.stacksFile); for --check-determinism. */
  stacks?: string | null
  /** Leave `stepResults` out of the result (fuzz seeds and shrink candidates need only the verdict). */
  lite?: boolean
  /** Return the run's novelty signal (`RunResult.signal`, see search/signal.ts). */
  signal?: boolean
}

/** Runs a scenario given as data (a shrink candidate, a replay file). */
export interface ScenarioJob {
  kind: 'scenario'
  scenario: Scenario
  store: string
  options: ReplayOptions
  workload: string | null
  trace: string | null
  /** See SeedJob.stacks. */
  stacks?: string | null
  lite?: boolean
  /** See SeedJob.signal. */
  signal?: boolean
  /** Stop at the first violation of this invariant (shrink candidates: only the verdict matters). */
  stopOnInvariant?: InvariantName
  /** See RunGivenOptions.stopOnCheck. */
  stopOnCheck?: string
}

/** What a simulation process runs: plain JSON, resolved in the parent. */
export type SimJob = SeedJob | ScenarioJob

/**
 * Refuses, before anything runs and in one line, a workload that does not load (a
 * built-in whose package is missing, a module that exports no workload).
 */
export function checkWorkload (workload: string | null): void {
  checkWorkloadLoads(workload ?? undefined)
}

/** Refuses, up front and in one line, more peers than the file descriptor limit allows (see checkFdBudget). */
export function checkPeersFit (peers: number): void {
  try {
    checkFdBudget(peers)
  } catch (err) {
    if (err instanceof FdLimitError) throw new CliError(err.code, `--peers ${peers}: ${err.message}`)
    throw err
  }
}

/** The workload time limits given on the command line, as run settings (or replay options). */
export function timeLimits (a: Pick<ScenarioArgs, 'setupTimeoutMs' | 'checkTimeoutMs'>): Pick<RunSettings, 'setupTimeoutMs' | 'checkTimeoutMs'> {
  return {
    ...(a.setupTimeoutMs === undefined ? {} : { setupTimeoutMs: a.setupTimeoutMs }),
    ...(a.checkTimeoutMs === undefined ? {} : { checkTimeoutMs: a.checkTimeoutMs })
  }
}

/** Runs a job in this process (a simulation process: it replaces timers, Date and Math.random while it runs). */
export async function runJob (job: SimJob, onProgress?: (p: RunProgress) => void): Promise<RunResult> {
  const workload = job.workload ?? (job.kind === 'seed' ? job.args.workload ?? null : null)
  checkWorkload(workload)
  const signal = job.signal === true ? new RunSignal() : null
  const common: RunSettings = {
    trace: { file: job.trace, stacksFile: job.stacks ?? null, observer: signal?.observe ?? null },
    ...(onProgress === undefined ? {} : { onProgress })
  }
  let result: RunResult
  if (job.kind === 'seed') {
    const a = job.args
    result = await runScenario({
      seed: a.seed,
      peers: a.peers,
      cores: a.cores,
      steps: a.steps,
      durationMs: a.durationMs,
      store: a.store,
      ...(a.faults === undefined ? {} : { faults: a.faults }),
      ...(a.features === undefined ? {} : { features: a.features }),
      ...(workload === null ? {} : { workload }),
      ...timeLimits(a),
      ...common
    })
  } else {
    const scenario = workload === null ? job.scenario : { ...job.scenario, workload }
    result = await runGivenScenario(scenario, {
      ...job.options,
      store: job.store,
      ...(job.stopOnInvariant === undefined ? {} : { stopOnInvariant: job.stopOnInvariant }),
      ...(job.stopOnCheck === undefined ? {} : { stopOnCheck: job.stopOnCheck }),
      ...common
    })
  }
  if (signal !== null) result.signal = signal.features()
  return job.lite === true ? { ...result, stepResults: [] } : result
}
