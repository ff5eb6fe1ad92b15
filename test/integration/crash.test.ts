// Crash safety against real SIGKILLs. A child (fixtures/crash-writer) appends to a
// named core without pause and prints the length after every append whose promise has
// resolved: that is what "acknowledged" means here. The parent SIGKILLs it at moments
// chosen by a seeded PRNG, reopens the folder itself and checks:
//   - every acknowledged block is there with exactly its content (block i = `block-${i}`),
//   - beyond the acknowledged length there is nothing, or exactly the whole batch of
//     the one append in flight at the kill (appends are atomic),
//   - contiguousLength equals the length, and `audit({ dryRun: true })` finds nothing
//     corrupt and nothing to drop,
//   - the next child opens at that length, under the same key, and appends on from it.
// The checks are shared with crash-agreement.test (test/helpers/crash-checks.ts), which
// holds the simulator's crash to the same guarantee.
// With hypercore 11.37.1 an append writes one RocksDB batch (blocks, tree nodes,
// bitfield, head) and then a hints-only batch; both reach the WAL with write(2), and
// no fsync, before the promise resolves (seen with strace). So the guarantee proved is
// "durable across a process crash", not across an OS crash or power loss.
//
// CRASH_ROUNDS (default 12) sets the number of kills, CRASH_SEED replays a run;
// `npm run soak` runs many more rounds.
import test from 'brittle'
import { tmpDir } from '../helpers/create'
import { checkCrash, checkResume } from '../helpers/crash-checks'
import { pidAlive, reapAll } from './fixtures/supervisor'
import { Prng, seedFrom } from './fixtures/prng'
import { acksAdvance, batchBlocks, finishWriter, killWriter, planKill, type Stored } from './fixtures/writer-kills'

const ROUNDS = roundsFrom('CRASH_ROUNDS', 12)
/** A folder is replaced after this many rounds, so soak rounds do not slow down as it grows. */
const ROUNDS_PER_FOLDER = 25
/** Appends of the last writer, which runs to the end. */
const FINAL_APPENDS = 10

// brittle runs `force` teardowns even after the test function threw; its typings omit
// the option, so it is passed through a variable rather than an object literal.
const FIRST_FORCED = { order: -1, force: true }

test(`crash: ${ROUNDS} SIGKILLs at seeded moments lose no acknowledged append`, { timeout: 60000 + ROUNDS * 5000 }, async (t) => {
  const seed = seedFrom('CRASH_SEED')
  t.comment(`seed ${seed} (replay with CRASH_SEED=${seed})`)
  const prng = new Prng(seed)
  const pids: number[] = []
  t.teardown(reapAll, FIRST_FORCED)

  let dir = ''
  let stored: Stored = { length: 0, key: null }
  const seen = { beforeReady: 0, unacknowledgedStored: 0 }
  for (let round = 0; round < ROUNDS; round++) {
    if (round % ROUNDS_PER_FOLDER === 0) {
      dir = await tmpDir(t)
      stored = { length: 0, key: null }
    }
    const { label, child, round: result, before, found } = await killWriter(dir, planKill(prng), `round ${round}`, stored)
    pids.push(child.pid)

    t.is(result.exit.signal, 'SIGKILL', `${label}: ended by our SIGKILL` +
      (result.exit.signal === 'SIGKILL' ? '' : `, not ${JSON.stringify(result.exit)}; stderr: ${child.stderr}`))
    t.alike(result.errors, [], `${label}: the writer reported no error`)
    if (result.ready !== null) checkResume(t, label, stored.length, stored.key, { openedAt: result.ready, key: result.key })
    t.ok(acksAdvance(result.ready ?? stored.length, result.acks), `${label}: each ack advances by one batch`)
    checkCrash(t, label, before, found)

    if (result.ready === null) seen.beforeReady++
    if (found.length > before.acked) seen.unacknowledgedStored++
    stored = { length: found.length, key: found.key }
  }
  t.comment(`kills before 'ready': ${seen.beforeReady}, kills that left the unacknowledged append stored: ${seen.unacknowledgedStored}`)

  // A last child runs to the end: it resumes at the stored length and exits by itself.
  // Its 10 appends are batches of 1, 2, 3, 1, 2, 3, 1, 2, 3, 1 blocks: 19 blocks.
  const last = await finishWriter(dir, FINAL_APPENDS, 'final')
  pids.push(last.child.pid)
  checkResume(t, 'final writer', stored.length, stored.key, {
    openedAt: last.ready,
    key: last.key,
    appended: { blocks: batchBlocks(FINAL_APPENDS), length: last.done, found: last.found }
  })
  t.alike(last.exit, { code: 0, signal: null }, 'final writer exited by itself')

  t.alike(pids.filter(pidAlive), [], 'no writer process is left')
})

function roundsFrom (name: string, fallback: number): number {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${text}`)
  return n
}
