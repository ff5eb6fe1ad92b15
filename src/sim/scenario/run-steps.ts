import type { ConvergenceResult } from '../checks/convergence'
import type { Violation } from '../checks/invariants'
import type { Step, StepResult } from './steps'
import { Sim } from '../sim'
import type { SimOptions } from '../options'
import type { SimSnapshot } from '../checks/snapshot'

/** Options of `runSteps()`: a simulation, plus what to do after the steps. */
export interface RunStepsOptions extends SimOptions {
  /** After the steps, heal everything and require convergence within this many virtual ms. Default: no convergence check. */
  convergeTimeoutMs?: number
}

/** What `runSteps()` observed. */
export interface RunStepsResult {
  /** One result per step, in order. */
  results: StepResult[]
  /** State of every peer after the steps (before convergence). */
  snapshot: SimSnapshot
  /** The convergence check, if asked for. */
  convergence: ConvergenceResult | null
  /** Every violation, close-time checks included. */
  violations: Violation[]
  traceHash: string
}

/**
 * Runs a list of steps on a fresh simulation and closes it: the one call a
 * model-based or differential test needs. The simulation is closed even if a step throws.
 */
export async function runSteps (steps: readonly Step[], opts: RunStepsOptions): Promise<RunStepsResult> {
  const { convergeTimeoutMs, ...simOptions } = opts
  const sim = await Sim.create(simOptions)
  if (steps.some((s) => s.kind === 'power-loss')) sim.disks.trackDurability()
  let results: StepResult[] = []
  let snapshot: SimSnapshot
  let convergence: ConvergenceResult | null = null
  try {
    results = await sim.run(steps)
    snapshot = sim.snapshot()
    if (convergeTimeoutMs !== undefined) convergence = await sim.converge(convergeTimeoutMs)
  } finally {
    await sim.close()
  }
  return { results, snapshot, convergence, violations: sim.violations, traceHash: sim.traceHash }
}
