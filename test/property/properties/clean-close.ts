import fc from 'fast-check'
import type { ScenarioContext } from '../harness/property'
import { defineProperty } from '../harness/property'
import type { StepTally } from '../harness/step-tally'
import { checkLiveSessions } from '../model/invariants'
import type { StoreWorld } from '../model/store-world'
import { describeStoreScenario, runStoreScenario, storeReplayPath, storeScenario, storeSetup, type StoreScenario } from './store-scenario'

/** A scenario, then `finalGets` gets not awaited right before the root closes. */
interface CloseScenario {
  base: StoreScenario
  finalGets: number
}

function arbitrary (ctx: ScenarioContext): fc.Arbitrary<CloseScenario> {
  return fc.record({
    base: storeScenario(ctx, {
      maxCommands: 20,
      weights: { openStore: 2, closeStore: 1, get: 5, child: 2, close: 3, append: 2, read: 0, tick: 2, connect: 2, disconnect: 1, peerGet: 3, unawaited: 2 }
    }),
    finalGets: fc.nat({ max: 2 })
  })
}

/** Everything A made or handed out, checked the moment A.close() resolves. */
function leftovers (w: StoreWorld): string[] {
  const found: string[] = []
  for (const [id, store] of w.stores) if (!store.closed) found.push(`store#${id} not closed`)
  for (const [id, s] of w.sessions) if (!s.closed) found.push(`session#${id} not closed`)
  for (const s of w.unawaited) if (!s.closed && !w.failed.has(s)) found.push('a session whose get() was not awaited is still open')
  if (w.root.cores.size !== 0) found.push(`${w.root.cores.size} core(s) still tracked`)
  const open = w.coresSeen.filter((c) => !c.closed).length
  if (open !== 0) found.push(`${open} core(s) not closed`)
  if (w.root.streamTracker.size !== 0) found.push(`${w.root.streamTracker.size} replication stream(s) still tracked`)
  const live = w.streamsMade.filter((s) => !(s as unknown as { destroyed: boolean }).destroyed).length
  if (live !== 0) found.push(`${live} replication stream(s) A made not destroyed`)
  if (!w.root.storage.closed) found.push('storage not closed')
  return found
}

async function run (v: CloseScenario, tally: StepTally): Promise<void> {
  await runStoreScenario(v.base, async (m, w) => checkLiveSessions(m, w), async (_m, w) => {
    for (let i = 0; i < v.finalGets; i++) w.trackUnawaited(w.root.get({ name: `c${i}` }))
    await w.root.close()
    const found = leftovers(w)
    const reopen = await w.reopenProblem()
    if (reopen !== null) found.push(reopen.message.replace(/^CLOSE: /, ''))
    for (const link of w.pipes) await link.destroy()
    await w.peer?.close()
    const timers = w.clock.countTimers()
    if (timers !== 0) found.push(`${timers} timer(s) pending after both stores closed`)
    if (found.length > 0) throw new Error(`CLOSE: after A.close(): ${found.join('; ')}`)
  }, true, tally)
}

/**
 * Clean close: after a scenario of store sessions, sessions, appends, GC ticks,
 * replication pipes to a peer and gets still loading, A.close() leaves nothing: every
 * store session, session and core closed, no stream live or tracked, storage closed and
 * its folder free to reopen at once, and (once the peer closes too) no timer pending.
 */
export const cleanClose = defineProperty<CloseScenario>({
  name: 'clean-close',
  summary: 'after close(): no sessions, cores, streams or timers left, storage closed',
  ciRuns: 200,
  arbitrary,
  run,
  describe: (v) => [
    ...describeStoreScenario(v.base),
    ...Array.from({ length: v.finalGets }, (_, i) => `store#0.get({ name: 'c${i}' }) without awaiting ready()`),
    'A.close()'
  ],
  setup: (v) => `${storeSetup(v.base)}; peer B = new Corestore(dir2)`,
  replayPath: (v) => storeReplayPath(v.base)
})
