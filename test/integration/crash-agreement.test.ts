// The simulator's crash fault gives the guarantee a real SIGKILL gives (issue 7, item 3;
// docs/ARCHITECTURE.md, Simulator). One checker (test/helpers/crash-checks.ts) is run
// on both:
//   (a) a crash-writer child process SIGKILLed at seeded moments (as in crash.test);
//   (b) the simulator's `crash` step on a writer peer, in the middle of an append
//       (`inflightAppend`), then `restart`, over several seeds.
// After each crash the writer's folder is opened by a store of its own and must hold
// every acknowledged append, nothing beyond it but the whole append in flight, every
// block exact, contiguousLength == length and a clean dry-run audit, under the same
// key; the writer then resumes at that length and its new appends verify.
import test from 'brittle'
import { blockContent, DEVICE_FILE_CALLERS, Prng as SimPrng, type CatalogEntry, type Peer, type Sim, type Step } from '../../src/sim'
import { tmpDir } from '../helpers/create'
import {
  checkCrash, checkResume, crashConditions, readFolder, resumeConditions,
  type Acknowledged, type Found, type Resumed
} from '../helpers/crash-checks'
import { createSim, peer } from './sim-helpers'
import { Prng, seedFrom } from './fixtures/prng'
import { pidAlive, reapAll } from './fixtures/supervisor'
import { acksAdvance, batchBlocks, finishWriter, killWriter, planKill, type Stored } from './fixtures/writer-kills'

/** Real kills: a few suffice here, crash.test runs more. */
const KILLS = 3
/** Appends of the real writer that runs to the end: 1 + 2 + 3 + 1 blocks. */
const FINAL_APPENDS = 4
/** Simulated writers, one per seed, each crashed mid-append `CRASHES_PER_SEED` times. */
const SIM_SEEDS = [1, 2, 3, 4, 5, 6]
const CRASHES_PER_SEED = 3
/** Blocks the simulated writer appends after its last restart. */
const SIM_FINAL_BLOCKS = 3
/** Virtual time allowed to read a folder back, in ms (it needs no timer). */
const READ_TIMEOUT_MS = 60_000

const FIRST_FORCED = { order: -1, force: true }

test('crash agreement: a real SIGKILL of the writer process keeps the guarantee', { timeout: 60_000 }, async (t) => {
  const seed = seedFrom('CRASH_SEED')
  t.comment(`seed ${seed} (replay with CRASH_SEED=${seed})`)
  const prng = new Prng(seed)
  const pids: number[] = []
  t.teardown(reapAll, FIRST_FORCED)
  const dir = await tmpDir(t)

  let stored: Stored = { length: 0, key: null }
  for (let i = 0; i < KILLS; i++) {
    const kill = await killWriter(dir, planKill(prng), `kill ${i}`, stored)
    pids.push(kill.child.pid)
    const { label, round } = kill
    t.is(round.exit.signal, 'SIGKILL', `${label}: ended by our SIGKILL`)
    t.alike(round.errors, [], `${label}: the writer reported no error`)
    t.ok(acksAdvance(round.ready ?? stored.length, round.acks), `${label}: each ack advances by one batch`)
    if (round.ready !== null) checkResume(t, label, stored.length, stored.key, { openedAt: round.ready, key: round.key })
    checkCrash(t, label, kill.before, kill.found)
    stored = { length: kill.found.length, key: kill.found.key }
  }

  const last = await finishWriter(dir, FINAL_APPENDS, 'final')
  pids.push(last.child.pid)
  checkResume(t, 'real writer after the kills', stored.length, stored.key, {
    openedAt: last.ready,
    key: last.key,
    appended: { blocks: batchBlocks(FINAL_APPENDS), length: last.done, found: last.found }
  })
  t.alike(last.exit, { code: 0, signal: null }, 'the last writer exited by itself')
  t.alike(pids.filter(pidAlive), [], 'no writer process is left')
})

test('crash agreement: the simulator crash of a writer peer keeps the same guarantee', { timeout: 60_000 }, async (t) => {
  const seen = { dropped: 0, keptUnacknowledged: 0, acknowledgedFirst: 0 }
  for (const seed of SIM_SEEDS) {
    const dir = await tmpDir(t)
    const sim = await createSim(t, { seed, peers: 2, cores: 1, stepTimeoutMs: 2000, dir })
    const writer = peer(sim, 0)
    const entry = sim.catalog.get(0)
    const prng = new SimPrng(seed).fork('crash-agreement')
    const applied = async (step: Step, what: string): Promise<number | undefined> => {
      const result = await sim.apply(step)
      if (!result.ok) t.fail(`seed ${seed}: ${what} failed: ${String(result.code)}`)
      return result.value
    }

    let stored = { length: 0, key: entry.key }
    for (let i = 0; i < CRASHES_PER_SEED; i++) {
      const label = `seed ${seed} crash ${i}`
      for (let n = prng.int(1, 3); n > 0; n--) await applied({ kind: 'append', peer: 0, core: 0, blocks: prng.int(1, 3) }, 'append')
      const inflightAppend = { core: 0, blocks: prng.int(1, 3), afterStorageOps: prng.int(0, 4) }
      await applied({ kind: 'crash', peer: 0, inflightAppend }, 'crash')
      const before: Acknowledged = {
        acked: writer.acked.get(0) ?? 0,
        inFlight: (writer.inflight.get(0) ?? []).reduce((a, b) => a + b, 0),
        storedBefore: stored.length,
        key: stored.key
      }
      const found = await reopenInSim(sim, writer, entry)
      checkCrash(t, `${label} (after ${inflightAppend.afterStorageOps} storage ops)`, before, found)
      if (before.inFlight === 0) seen.acknowledgedFirst++
      else if (found.length === before.acked) seen.dropped++
      else seen.keptUnacknowledged++

      // The simulator's own durability invariant runs on restart: it must agree.
      await applied({ kind: 'restart', peer: 0 }, 'restart (durability check)')
      checkResume(t, label, found.length, found.key, await writerView(sim, writer, entry))
      stored = { length: found.length, key: found.key }
    }

    // Where the writer stands before its last appends: what it resumed at, seen by it.
    const resumed = await writerView(sim, writer, entry)
    const length = await applied({ kind: 'append', peer: 0, core: 0, blocks: SIM_FINAL_BLOCKS }, 'append after the crashes')
    t.alike(await sim.close(), [], `seed ${seed}: no invariant of the simulator was violated`)
    // Closed: the clock and storage are real again, and the folder is kept (`dir` given).
    const found = await readFolder(writer.dir, entry.name, (i) => blockContent(entry.name, i), { primaryKey: writer.primaryKey })
    checkResume(t, `seed ${seed} writer after the crashes`, stored.length, stored.key, {
      openedAt: resumed.openedAt,
      key: found.key,
      appended: { blocks: SIM_FINAL_BLOCKS, length: length ?? -1, found }
    })
  }
  t.comment(`in-flight appends dropped whole: ${seen.dropped}, kept whole unacknowledged: ${seen.keptUnacknowledged}, acknowledged before the crash point: ${seen.acknowledgedFirst}`)
  t.ok(seen.dropped > 0 && seen.keptUnacknowledged > 0, 'the simulated crashes both dropped and kept an unacknowledged append')
})

test('crash agreement: the simulator flags a restart that kept part of the append in flight', async (t) => {
  const sim = await createSim(t, { seed: 7, peers: 1, cores: 1, links: 'none', stepTimeoutMs: 2000 })
  const writer = peer(sim, 0)
  t.ok((await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 2 })).ok)
  // One storage completion in, the batch is written but not acknowledged: kept whole.
  t.ok((await sim.apply({ kind: 'crash', peer: 0, inflightAppend: { core: 0, blocks: 3, afterStorageOps: 1 } })).ok)
  t.alike([writer.acked.get(0), writer.inflight.get(0)], [2, [3]], 'two blocks acknowledged, three in flight')
  // Tell the model the batch in flight had 2 blocks: the 5 found are then part of nothing.
  writer.inflight.set(0, [2])
  const restarted = await sim.apply({ kind: 'restart', peer: 0 })
  t.is(restarted.code, 'DURABILITY', 'the restart check fails')
  t.alike(sim.violations.map((v) => v.invariant), ['torn-append'])
})

test('crash agreement: the shared checker rejects what the guarantee forbids', (t) => {
  const key = Buffer.alloc(32, 1)
  const before: Acknowledged = { acked: 5, inFlight: 3, storedBefore: 2, key }
  const at = (length: number, change: Partial<Found> = {}): Found => ({
    length, contiguous: length, firstBad: -1, key, audits: [{ corrupt: false, dropped: 0, blocks: length }], ...change
  })
  const holds = (found: Found): boolean => crashConditions(before, found).every((c) => c.ok)
  t.ok(holds(at(5)) && holds(at(8)), 'acknowledged length, or it plus the whole append in flight, passes')
  const forbidden: Array<[string, Found]> = [
    ['an acknowledged block lost', at(4)],
    ['part of the append in flight', at(7)],
    ['more than the append in flight', at(9)],
    ['a block with other content', at(8, { firstBad: 6 })],
    ['a block missing below the length', at(8, { contiguous: 7 })],
    ['a corrupt audit', at(8, { audits: [{ corrupt: true, dropped: 0, blocks: 8 }] })],
    ['an audit that would drop data', at(8, { audits: [{ corrupt: false, dropped: 1, blocks: 8 }] })],
    ['another key', at(8, { key: Buffer.alloc(32, 2) })]
  ]
  for (const [what, found] of forbidden) t.absent(holds(found), `rejects ${what}`)

  const resumed = (change: Partial<Resumed>): boolean => resumeConditions(8, key, { openedAt: 8, key, ...change }).every((c) => c.ok)
  t.ok(resumed({ appended: { blocks: 2, length: 10, found: at(10) } }), 'a writer resuming at the stored length passes')
  t.absent(resumed({ openedAt: 7 }), 'rejects a writer resuming short of the stored length')
  t.absent(resumed({ key: Buffer.alloc(32, 2) }), 'rejects a writer resuming under another key')
  t.absent(resumed({ appended: { blocks: 2, length: 10, found: at(9) } }), 'rejects new appends not all stored')
})

/**
 * Reads the crashed writer's folder with a store of its own, inside the simulation, as
 * the parent process does after a real kill. Held work: opening and closing a store
 * lock its folder through native calls the idle check cannot see (Lifecycle.openPeer).
 */
async function reopenInSim (sim: Sim, writer: Peer, entry: CatalogEntry): Promise<Found> {
  const reading = readFolder(writer.dir, entry.name, (i) => blockContent(entry.name, i), {
    primaryKey: writer.primaryKey,
    opening: (open) => sim.clock.withRealDateFor(DEVICE_FILE_CALLERS, open)
  })
  const outcome = await sim.drive(sim.scheduler.hold(reading), READ_TIMEOUT_MS)
  if (outcome.state === 'resolved') return outcome.value
  throw new Error(`reading ${writer.dir} back ${outcome.state === 'pending' ? 'timed out' : `failed: ${String(outcome.error)}`}`)
}

/** The restarted writer's own view of its core: the length it resumes at and the key. */
async function writerView (sim: Sim, writer: Peer, entry: CatalogEntry): Promise<Resumed> {
  const session = writer.tempSession(entry)
  const view = async (): Promise<Resumed> => {
    try {
      await session.ready()
      return { openedAt: session.length, key: session.key as Buffer }
    } finally {
      await session.close()
    }
  }
  const outcome = await sim.drive(view(), READ_TIMEOUT_MS)
  if (outcome.state === 'resolved') return outcome.value
  throw new Error(`the restarted writer could not open its core: ${outcome.state}`)
}
