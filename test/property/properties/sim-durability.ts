import { defineProperty } from '../harness/property'
import { requireNoViolations, requireStepResults, runSim, simScenario, simSetup, simStepLines, type SimScenario, type SimShape } from './sim-scenario'

const SHAPE: SimShape = {
  weights: { append: 8, 'open-session': 2, 'close-session': 2, advance: 3, crash: 4, restart: 3, get: 2 },
  // Most crashes interrupt an append: that is the guarantee under test.
  aim: { midAppend: 0.6 },
  maxSteps: 20,
  gcIntervalMs: 200,
  gcStrikes: 2,
  gcRace: 0,
  convergeTimeoutMs: 120_000
}

/**
 * Durability across crash and restart on the simulator: owners append while peers
 * crash (the process state dropped, no clean close), most of them in the middle of an
 * append, and come back from their folders; after every restart every acknowledged
 * append reads back intact and the append in flight is there whole or not at all, every
 * step result is what a correct store gives (owners read back their acknowledged blocks,
 * appends resume at a possible length), and after the heal every copy converges.
 */
export const simDurability = defineProperty<SimScenario>({
  name: 'sim-crash-durability',
  summary: 'on the simulator, every acknowledged append survives crash and restart',
  ciRuns: 50,
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
