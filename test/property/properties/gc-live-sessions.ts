import { defineProperty } from '../harness/property'
import { checkLiveSessions } from '../model/invariants'
import { describeStoreScenario, runStoreScenario, storeReplayPath, storeScenario, storeSetup } from './store-scenario'
import type { StoreModel } from '../model/store-model'
import type { StoreWorld } from '../model/store-world'
import { blockOf } from '../model/store-model'

async function readEveryLiveSession (m: StoreModel, w: StoreWorld): Promise<void> {
  checkLiveSessions(m, w)
  for (const s of m.sessions) {
    if (!s.open) continue
    const length = m.cores.get(s.core)?.length ?? 0
    if (length === 0) continue
    const block = await w.session(s.id).get(length - 1, { wait: false })
    if (block === null || block.toString() !== blockOf(s.core, length - 1)) {
      throw new Error(`session#${s.id} cannot read block ${length - 1} of ${s.core} after GC ran`)
    }
  }
}

/**
 * GC never closes a core under a live session: under heavy GC pressure (1 or 2 strikes,
 * many ticks, sessions made from sessions, which bypass the store), every live session
 * stays open on the tracked core and can read its last block after every step.
 */
export const gcLiveSessions = defineProperty({
  name: 'gc-live-sessions',
  summary: 'GC never closes a core that has a live session; live sessions keep working',
  ciRuns: 200,
  arbitrary: (ctx) => storeScenario(ctx, {
    strikesMax: 2,
    weights: { openStore: 1, closeStore: 1, get: 5, child: 4, close: 4, append: 2, read: 0, tick: 6 }
  }),
  run: (s, tally) => runStoreScenario(s, readEveryLiveSession, undefined, false, tally),
  describe: describeStoreScenario,
  setup: storeSetup,
  replayPath: storeReplayPath
})
