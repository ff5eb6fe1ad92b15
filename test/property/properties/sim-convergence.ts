import { defineProperty } from '../harness/property'
import { requireNoViolations, requireStepResults, runSim, simScenario, simSetup, simStepLines, type SimScenario, type SimShape } from './sim-scenario'

const SHAPE: SimShape = {
  weights: {
    append: 6, get: 3, 'open-session': 3, 'close-session': 3, download: 2, advance: 4,
    disconnect: 2, partition: 2, stall: 2, slow: 1, crash: 1, restart: 1
  },
  aim: { midAppend: 0.5 },
  maxSteps: 24,
  gcIntervalMs: 200,
  gcStrikes: 2,
  gcRace: 0.5,
  convergeTimeoutMs: 120_000
}

/**
 * Convergence on the simulator: three peers over simulated links, appends, reads,
 * sessions and downloads under disconnects, partitions, stalls, slow links, crashes and
 * restarts, with GC under pressure and raced by gets. After every step the simulator
 * checks session accounting, that no core closed under a live session, and that no
 * wrong block is held; every step result is what a correct store gives (exact blocks
 * or a timeout, owners read their acknowledged blocks, session counts, lengths); after
 * the heal every holder converges to the writer's blocks; at close nothing is left open.
 */
export const simConvergence = defineProperty<SimScenario>({
  name: 'sim-convergence',
  summary: 'on the simulator, peers converge after disconnects, partitions, stalls, crashes and restarts, and every invariant holds',
  ciRuns: 60,
  scenarioTimeoutMs: 60_000,
  arbitrary: () => simScenario(SHAPE),
  run: async (s, tally) => {
    const r = await runSim(s, SHAPE)
    requireNoViolations(r)
    requireStepResults(r, tally)
  },
  describe: simStepLines,
  setup: (s) => simSetup(s, SHAPE)
})
