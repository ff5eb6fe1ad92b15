import { defineProperty } from '../harness/property'
import { checkLiveSessions } from '../model/invariants'
import { verifyAcknowledged } from '../commands/restart-steps'
import { describeStoreScenario, runStoreScenario, storeReplayPath, storeScenario, storeSetup } from './store-scenario'

/**
 * Durability across close and reopen: appends through sessions in several namespaces,
 * GC ticks and restarts (clean close, new store over the same folder); after every
 * restart and at the end, every acknowledged block is there, with its content.
 * (Crash-restart durability, without a clean close, runs on the simulator.)
 */
export const durability = defineProperty({
  name: 'durability',
  summary: 'every acknowledged append is present after close and reopen',
  ciRuns: 150,
  arbitrary: (ctx) => storeScenario(ctx, {
    maxCommands: 24,
    weights: { openStore: 1, closeStore: 1, get: 4, child: 1, close: 2, append: 6, read: 1, tick: 2, restart: 2 }
  }),
  run: (s, tally) => runStoreScenario(s, async (m, w) => checkLiveSessions(m, w), async (m, w) => {
    await w.restart()
    await verifyAcknowledged(m, w, 'at the end, after a last restart')
  }, false, tally),
  describe: (s) => [...describeStoreScenario(s), 'A.close(); A = new Corestore(same dir); every acknowledged block is read back'],
  setup: storeSetup,
  replayPath: storeReplayPath
})
