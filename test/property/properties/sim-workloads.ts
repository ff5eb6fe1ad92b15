import fc from 'fast-check'
import { replayCommand, runScenario, type RunResult, type StepResult } from '../../../src/sim'
import { defineProperty } from '../harness/property'

/** A workload run: which workload, and the seed of the whole scenario. */
export interface WorkloadRun {
  workload: 'hyperbee' | 'autobase' | 'hyperdrive'
  seed: number
}

/** Small scenarios (npm test has a time budget); the 8-peer campaign is `npm run campaign:workloads`. */
export const WORKLOAD_SIZE = Object.freeze({ peers: 4, cores: 2, steps: 60, durationMs: 60_000 })

/** Upstream's GC is fixed (2 s, 4 strikes): ours runs with the same when the two are compared. */
export const UPSTREAM_GC = Object.freeze({ gcIntervalMs: 2000, gcStrikes: 4 })

export function workloadRun (): fc.Arbitrary<WorkloadRun> {
  return fc.record({ workload: fc.constantFrom('hyperbee' as const, 'autobase' as const, 'hyperdrive' as const), seed: fc.nat() })
}

/** Runs the scenario of a seed with a workload; returns the run and its step results. */
export async function runWorkload (r: WorkloadRun, store: 'project' | 'upstream', peer?: typeof UPSTREAM_GC, features?: readonly string[]): Promise<{ run: RunResult, steps: StepResult[] }> {
  const steps: StepResult[] = []
  const run = await runScenario({ seed: r.seed, workload: r.workload, store, ...WORKLOAD_SIZE, ...(peer === undefined ? {} : { peer }), ...(features === undefined ? {} : { features }), onStep: (s) => steps.push(s) })
  return { run, steps }
}

/** Throws with the first violations of a run. */
export function requireClean (run: RunResult, what: string): void {
  if (run.violations.length === 0) return
  const shown = run.violations.slice(0, 3).map((v) => `${v.invariant}${v.step === null ? '' : ` (step ${v.step})`}: ${v.detail}`)
  throw new Error(`${what}: ${shown.join('; ')}${run.violations.length > 3 ? ` (+${run.violations.length - 3} more)` : ''}`)
}

/** The CLI line that replays a run. */
export function workloadReplay (r: WorkloadRun, store = 'project', features?: readonly string[]): string {
  return replayCommand({ seed: r.seed, ...WORKLOAD_SIZE, store, workload: r.workload, ...(features === undefined ? {} : { features }) })
}

/**
 * The built-in workloads hold their own invariants on the simulator: a hyperbee writer
 * and its readers, an autobase whose writers are added through the base, and a
 * hyperdrive (entries and blobs) writer and its readers, with their
 * operations mixed among the simulator's steps and faults (crashes drop the apps,
 * restarts reopen them); the simulator's own invariants run underneath. Planted bugs in
 * the apps (test/property/mutants: a reader on a stale snapshot, an apply that drops a
 * node, a checkout reading live contents) must fail it.
 */
export const simWorkloads = defineProperty<WorkloadRun>({
  name: 'sim-workloads',
  summary: 'hyperbee, autobase and hyperdrive workloads keep their own invariants (and the simulator\'s) under faults',
  ciRuns: 9,
  scenarioTimeoutMs: 120_000,
  arbitrary: workloadRun,
  run: async (r) => {
    const { run } = await runWorkload(r, 'project')
    requireClean(run, `workload ${r.workload}`)
    const ops = Object.values(run.operations)
    if (ops.reduce((n, c) => n + c.ok, 0) === 0) throw new Error(`workload ${r.workload}: no operation did any work`)
  },
  describe: (r) => [workloadReplay(r)],
  setup: (r) => `workload ${r.workload}, seed ${r.seed}, ${WORKLOAD_SIZE.peers} peers, ${WORKLOAD_SIZE.cores} cores, ${WORKLOAD_SIZE.steps} steps, ${WORKLOAD_SIZE.durationMs} ms`
})
