import fc from 'fast-check'
import { defineProperty } from '../harness/property'
import { RACE_OPS, type RaceOp } from '../model/race-ops'
import { raceScenario, raceSetupLine, raceSteps, runRace, type RaceScenario } from './race-scenario'

// Everything but attach (a peer cannot attach to a closing store) races one A.close().
const closeRaceOp: fc.Arbitrary<RaceOp> = fc.oneof(
  ...RACE_OPS.filter((op) => op !== 'close-root' && op !== 'attach')
    .map((op) => ({ weight: op.startsWith('get-') ? 3 : 1, arbitrary: fc.constant(op) }))
)

/**
 * close() closes what it raced: with fc.scheduler ordering A.close() against gets
 * still preloading (their storage answer pending), GC ticks and session closes, every
 * session A handed out before close() started is closed (or failed to open) by the
 * time close() resolves, and nothing is tracked or open afterwards.
 */
export const closeRacesGets = defineProperty<RaceScenario>({
  name: 'close-races-gets',
  summary: 'when close() resolves, every session handed out before it is closed, even mid-preload',
  ciRuns: 400,
  arbitrary: () => raceScenario(closeRaceOp, 'close-root'),
  run: runRace,
  describe: raceSteps,
  setup: raceSetupLine
})
