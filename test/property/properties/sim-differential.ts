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

function show (r: StepResult): string {
  return r.ok ? `ok${r.value === undefined ? '' : ` ${r.value}`}` : `error ${r.code ?? '?'}`
}

/**
 * Differential on the simulator: one generated network scenario runs on our store and
 * on upstream corestore 7.12.5 (same simulator seed, so the same links, delays and
 * faults); every step has the same observable result (ok or the error code, new
 * lengths, block sizes, open session counts) and both converge after the heal.
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
      if (u === undefined || show(r) !== show(u)) {
        throw new Error(`DIFF: step ${i + 1}: ours ${show(r)}, upstream ${u === undefined ? 'nothing' : show(u)}`)
      }
    })
    if (ours.convergence?.ok !== theirs.convergence?.ok) throw new Error(`DIFF: convergence: ours ${String(ours.convergence?.ok)}, upstream ${String(theirs.convergence?.ok)}`)
  },
  describe: simStepLines,
  setup: (s) => `${simSetup(s, SHAPE)}; then the same on store: upstream`
})
