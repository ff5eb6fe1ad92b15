import fc from 'fast-check'
import Hypercore from 'hypercore'
import type { ProtocolStream } from '../../../src/store/types'
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

function isDestroying (s: ProtocolStream): boolean {
  const state = s as unknown as { destroying: boolean, destroyed: boolean }
  return state.destroying || state.destroyed
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
  // The streams are the caller's, as upstream's are: A.close() closes A's channels on
  // them and leaves the streams to whoever destroys them next (the pipes, below).
  const taken = w.pipes.filter((p) => !p.down && isDestroying(p.a)).length
  if (taken !== 0) found.push(`A.close() destroyed ${taken} replication stream(s) the caller owns`)
  const busy = w.pipes.filter((p) => !p.down && !isDestroying(p.a) && [...Hypercore.getProtocolMuxer(p.a)].length > 0).length
  if (busy !== 0) found.push(`${busy} stream(s) still carry a channel of A`)
  // The database itself too: the storage's session of it reads closed a few microtasks
  // into storage.close(), but RocksDB's root closes in a native callback, which only a
  // close() that waited for it can have seen.
  const rocks = (w.root.storage as { rocks?: { closed?: boolean } }).rocks
  if (!w.root.storage.closed || rocks?.closed === false) found.push('storage not closed')
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
 * store session, session and core closed, no stream tracked, the streams A made left
 * open to their owner (as upstream) with none of A's channels on them, storage closed
 * and its folder free to reopen at once, and (once the streams are destroyed and the
 * peer closes too) no timer pending.
 */
export const cleanClose = defineProperty<CloseScenario>({
  name: 'clean-close',
  summary: 'after close(): no sessions, cores, tracked streams or timers left, storage closed; the caller\'s streams untouched',
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
