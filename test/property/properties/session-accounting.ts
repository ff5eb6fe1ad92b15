import { defineProperty } from '../harness/property'
import { checkAccounting } from '../model/invariants'
import { describeStoreScenario, runStoreScenario, storeReplayPath, storeScenario, storeSetup } from './store-scenario'

/**
 * Session accounting: after every step, each store session lists exactly the sessions
 * the model opened through it, per core, and the root store tracks a core exactly while
 * it has a session or is in its GC grace (the model predicts the virtual millisecond
 * GC closes it).
 */
export const sessionAccounting = defineProperty({
  name: 'session-accounting',
  summary: 'sessions per core per store session, and tracked cores, match the model after every step',
  ciRuns: 300,
  arbitrary: (ctx) => storeScenario(ctx),
  run: (s, tally) => runStoreScenario(s, async (m, w) => checkAccounting(m, w), undefined, false, tally),
  describe: describeStoreScenario,
  setup: storeSetup,
  replayPath: storeReplayPath
})
