import type { StepResult } from '../../../src/sim'
import { defineProperty } from '../harness/property'
import { requireNoViolations, runSim, simScenario, simSetup, simStepLines, type SimScenario, type SimShape } from './sim-scenario'

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

/**
 * Whether a network-bound step (get, download) gave up waiting. hypercore 11.37.1 scans
 * its block queue in Math.random order (seeded by the simulator, but the two stores
 * draw differently) and stops a peer's update pass at the first entry it dequeues, even
 * a stale one; the block behind it then waits for the next pass, which may never come
 * before the timeout. So a get can time out on one side only: such steps are not
 * compared; convergence after the heal is.
 */
function timedOut (r: StepResult): boolean {
  return (r.step.kind === 'get' || r.step.kind === 'download') && (r.code === 'REQUEST_TIMEOUT' || r.code === 'TIMEOUT')
}

function show (r: StepResult): string {
  return r.ok ? `ok${r.value === undefined ? '' : ` ${r.value}`}` : `error ${r.code ?? '?'}`
}

/**
 * Differential on the simulator: one generated network scenario runs on our store and
 * on upstream corestore 7.12.5 (same simulator seed, so the same links, delays and
 * faults); every step has the same observable result (ok or the error code, new
 * lengths, block sizes, open session counts; a get or download that timed out on either
 * side is not compared) and both converge after the heal.
 */
export const simDifferential = defineProperty<SimScenario>({
  name: 'sim-differential',
  summary: 'on the simulator, the same scenario gives the same step results on ours and on upstream corestore',
  ciRuns: 25,
  scenarioTimeoutMs: 90_000,
  arbitrary: () => simScenario(SHAPE),
  run: async (s) => {
    const ours = await runSim(s, SHAPE)
    requireNoViolations(ours)
    const theirs = await runSim(s, { ...SHAPE, store: 'upstream' })
    ours.results.forEach((r, i) => {
      const u = theirs.results[i]
      if (u !== undefined && (timedOut(r) || timedOut(u))) return
      if (u === undefined || show(r) !== show(u)) {
        throw new Error(`DIFF: step ${i + 1}: ours ${show(r)}, upstream ${u === undefined ? 'nothing' : show(u)}`)
      }
    })
    if (ours.convergence?.ok !== theirs.convergence?.ok) throw new Error(`DIFF: convergence: ours ${String(ours.convergence?.ok)}, upstream ${String(theirs.convergence?.ok)}`)
  },
  describe: simStepLines,
  setup: (s) => `${simSetup(s, SHAPE)}; then the same on store: upstream`
})
