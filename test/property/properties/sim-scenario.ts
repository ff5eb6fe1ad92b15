import fc from 'fast-check'
import { describeStep, runSteps, type DiskProfile, type RunStepsResult, type Step, type Violation } from '../../../src/sim'
import { cleanStep, SIM_PEERS, simSteps, type SimStepAim, type SimStepWeights } from '../model/sim-steps'
import { SimResultModel } from '../model/sim-results'
import type { StepTally } from '../harness/step-tally'

/** A simulator scenario: the simulator's own seed (its links' and peers' draws) and the steps. */
export interface SimScenario {
  simSeed: number
  steps: Step[]
}

/** Knobs of a simulator property. */
export interface SimShape {
  weights: SimStepWeights
  /** How reads and crashes are aimed (see `simSteps`). */
  aim?: SimStepAim
  /** Further step arbitraries, weighted like `weights`. */
  extra?: Array<fc.WeightedArbitrary<Step>>
  maxSteps: number
  /** GC of every peer; short, so GC closes cores between steps. */
  gcIntervalMs: number
  gcStrikes: number
  /** Probability that a GC close is raced by a get (the simulator's GcRacer). */
  gcRace: number
  /** Virtual time allowed to converge after the heal, in ms. */
  convergeTimeoutMs: number
  store?: 'project' | 'upstream'
  /** Every peer's disk. Default: perfect. */
  disks?: Partial<DiskProfile>
}

/** The arbitrary of simulator scenarios of a shape. */
export function simScenario (shape: SimShape): fc.Arbitrary<SimScenario> {
  return fc.record({
    simSeed: fc.nat({ max: 0xffff }),
    steps: simSteps(shape.weights, shape.maxSteps, shape.aim, shape.extra).map((steps) => steps.map(cleanStep))
  })
}

/** Runs a scenario on a fresh simulation, heals, requires convergence, closes; returns what it saw. */
export function runSim (s: SimScenario, shape: SimShape): Promise<RunStepsResult> {
  return runSteps(s.steps, {
    seed: s.simSeed,
    peers: SIM_PEERS,
    cores: SIM_PEERS,
    store: shape.store ?? 'project',
    peer: { gcIntervalMs: shape.gcIntervalMs, gcStrikes: shape.gcStrikes },
    gcRace: shape.gcRace,
    ...(shape.disks === undefined ? {} : { disks: shape.disks }),
    convergeTimeoutMs: shape.convergeTimeoutMs
  })
}

function showViolation (v: Violation): string {
  const where = `${v.step === null ? 'at close' : `step ${v.step + 1}`}${v.peer !== undefined ? ` p${v.peer}` : ''}${v.core !== undefined ? ` c${v.core}` : ''}`
  return `${v.invariant} (${where}, t=${v.atMs} ms): ${v.detail}`
}

/** Throws with every violation a run found (the simulator checks after every step, at convergence and at close). */
export function requireNoViolations (r: RunStepsResult, only: ReadonlySet<Violation['invariant']> | null = null): void {
  const found = only === null ? r.violations : r.violations.filter((v) => only.has(v.invariant))
  if (found.length > 0) throw new Error(`SIM: ${found.slice(0, 3).map(showViolation).join('; ')}${found.length > 3 ? ` (+${found.length - 3} more)` : ''}`)
  if (only === null && r.convergence !== null && !r.convergence.ok) throw new Error('SIM: no convergence after the heal')
}

/**
 * Throws if a step result is not what a correct store gives (see `SimResultModel`);
 * counts every step as real work or skipped, with the reason, into `tally`.
 */
export function requireStepResults (r: RunStepsResult, tally: StepTally): void {
  const model = new SimResultModel(tally)
  model.checkAll(r.results)
  const found = model.violations
  if (found.length > 0) throw new Error(`STEP: ${found.slice(0, 3).join('; ')}${found.length > 3 ? ` (+${found.length - 3} more)` : ''}`)
}

/**
 * Counts each step by its result, without a model: one that resolved did real work, one
 * that failed (a disk fault's code, a timeout, a peer down) is counted as skipped with
 * its code. For properties whose steps fail on purpose (disk faults).
 */
export function countStepResults (r: RunStepsResult, tally: StepTally): void {
  for (const x of r.results) {
    if (x.ok) tally.did(x.step.kind)
    else tally.skipped(x.step.kind, `error ${x.code ?? '?'}`)
  }
}

/** The steps, one line each, as the simulator prints them. */
export function simStepLines (s: SimScenario): string[] {
  return s.steps.map((step) => describeStep(step))
}

/** The setup line of a simulator scenario. */
export function simSetup (s: SimScenario, shape: SimShape): string {
  const disks = shape.disks === undefined ? '' : `, disks: ${JSON.stringify(shape.disks)}`
  return `new Sim({ seed: ${s.simSeed}, peers: ${SIM_PEERS}, cores: ${SIM_PEERS} (core i owned by peer i), store: ${shape.store ?? 'project'}, peer: { gcIntervalMs: ${shape.gcIntervalMs}, gcStrikes: ${shape.gcStrikes} }, gcRace: ${shape.gcRace}${disks} }), mesh links; after the steps: heal, converge within ${shape.convergeTimeoutMs} ms, close`
}
