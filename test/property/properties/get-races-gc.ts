import fc from 'fast-check'
import { defineProperty } from '../harness/property'
import { RACE_OPS, type RaceOp } from '../model/race-ops'
import { raceScenario, raceSetupLine, raceSteps, runRace, type RaceScenario } from './race-scenario'

// Gets and GC ticks are what races; the rest set the stage, so they come less often.
const gcRaceOp: fc.Arbitrary<RaceOp> = fc.oneof(
  ...RACE_OPS.filter((op) => op !== 'close-root')
    .map((op) => ({ weight: op === 'tick' || op.startsWith('get-') ? 3 : 1, arbitrary: fc.constant(op) }))
)

/**
 * A get racing GC gets a working session: with fc.scheduler ordering get (by key,
 * name or discovery key), session-from-session, closes of the keeper and its store
 * session, GC ticks and dynamic attach from a peer (and when A's storage answers and
 * a closing core finishes), every session handed back works, on the core A tracks.
 */
export const getRacesGc = defineProperty<RaceScenario>({
  name: 'get-races-gc',
  summary: 'a get racing GC, closes and dynamic attach returns a working session on the tracked core',
  ciRuns: 600,
  arbitrary: () => raceScenario(gcRaceOp),
  run: runRace,
  describe: raceSteps,
  setup: raceSetupLine
})
