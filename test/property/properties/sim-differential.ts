import type { RunStepsResult, StepResult } from '../../../src/sim'
import { DEFAULT_START_MS } from '../../../src/sim'
import { defineProperty } from '../harness/property'
import type { StepTally } from '../harness/step-tally'
import { watchStaleQueue, type StaleQueueTimeout } from '../model/stale-queue'
import { requireNoViolations, requireStepResults, runSim, simScenario, simSetup, simStepLines, type SimScenario, type SimShape } from './sim-scenario'

// Upstream's GC is fixed (2 s, 4 strikes): ours runs with the same, so GC acts alike.
const SHAPE: SimShape = {
  weights: {
    append: 6, get: 4, 'open-session': 3, 'close-session': 3, download: 2, advance: 4,
    disconnect: 2, partition: 1, stall: 1, crash: 1, restart: 1
  },
  maxSteps: 20,
  gcIntervalMs: 2000,
  gcStrikes: 4,
  gcRace: 0,
  convergeTimeoutMs: 120_000
}

/** What the tally calls the one divergence the differential tolerates. */
export const STALE_QUEUE = 'gets timed out on one side with hypercore 11.37.1\'s stale-queue signature (model/stale-queue.ts)'

function show (r: StepResult): string {
  return r.ok ? `ok${r.value === undefined ? '' : ` ${r.value}`}` : `error ${r.code ?? '?'}`
}

/**
 * A get that timed out on this side only, while the other side read the block, and at
 * that moment hypercore had left the request unsent with a peer able to serve it.
 */
export function staleQueueOnly (r: StepResult, other: StepResult, seen: readonly StaleQueueTimeout[]): boolean {
  if (r.step.kind !== 'get' || r.code !== 'REQUEST_TIMEOUT' || !other.ok) return false
  const index = r.step.index
  return seen.some((s) => s.index === index && s.atMs - DEFAULT_START_MS === r.atMs)
}

/** Compares two runs step by step; throws at the first divergence that is not the stale-queue bug. */
export function compareRuns (ours: readonly StepResult[], theirs: readonly StepResult[], seen: { ours: StaleQueueTimeout[], theirs: StaleQueueTimeout[] }, tally: StepTally): void {
  ours.forEach((r, i) => {
    const u = theirs[i]
    if (u === undefined) throw new Error(`DIFF: step ${i + 1}: ours ${show(r)}, upstream nothing`)
    if (show(r) === show(u)) return
    if (staleQueueOnly(r, u, seen.ours) || staleQueueOnly(u, r, seen.theirs)) return tally.tolerate(STALE_QUEUE)
    throw new Error(`DIFF: step ${i + 1}: ours ${show(r)}, upstream ${show(u)}`)
  })
}

/** Runs a scenario on one store while recording its stale-queue timeouts. */
export async function runWatched (s: SimScenario, shape: SimShape): Promise<{ r: RunStepsResult, seen: StaleQueueTimeout[] }> {
  const stop = watchStaleQueue()
  let r: RunStepsResult
  try {
    r = await runSim(s, shape)
  } catch (err) {
    stop()
    throw err
  }
  return { r, seen: stop() }
}

/**
 * Differential on the simulator: one generated network scenario runs on our store and
 * on upstream corestore 7.12.5 (same simulator seed, so the same links, delays and
 * faults); every step has the same observable result (ok or the error code, new
 * lengths, block sizes, open session counts) and both converge after the heal. The one
 * divergence tolerated, and counted, is a get that timed out on one side only with
 * hypercore's stale-queue signature (see model/stale-queue.ts); a timeout on one side
 * for any other reason is a divergence.
 */
export const simDifferential = defineProperty<SimScenario>({
  name: 'sim-differential',
  summary: 'on the simulator, the same scenario gives the same step results on ours and on upstream corestore',
  ciRuns: 25,
  scenarioTimeoutMs: 90_000,
  arbitrary: () => simScenario(SHAPE),
  run: async (s, tally) => {
    tally.tolerate(STALE_QUEUE, 0)
    const ours = await runWatched(s, SHAPE)
    requireNoViolations(ours.r)
    requireStepResults(ours.r, tally)
    const theirs = await runWatched(s, { ...SHAPE, store: 'upstream' })
    compareRuns(ours.r.results, theirs.r.results, { ours: ours.seen, theirs: theirs.seen }, tally)
    if (ours.r.convergence?.ok !== theirs.r.convergence?.ok) throw new Error(`DIFF: convergence: ours ${String(ours.r.convergence?.ok)}, upstream ${String(theirs.r.convergence?.ok)}`)
  },
  describe: simStepLines,
  setup: (s) => `${simSetup(s, SHAPE)}; then the same on store: upstream`
})
