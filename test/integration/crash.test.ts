// Crash safety against real SIGKILLs. A child (fixtures/crash-writer) appends to a
// named core without pause and prints the length after every append whose promise has
// resolved: that is what "acknowledged" means here. The parent SIGKILLs it at moments
// chosen by a seeded PRNG, reopens the folder itself and checks:
//   - every acknowledged block is there with exactly its content (block i = `block-${i}`),
//   - beyond the acknowledged length there is nothing, or exactly the whole batch of
//     the one append in flight at the kill (appends are atomic),
//   - contiguousLength equals the length, and `audit({ dryRun: true })` finds nothing
//     corrupt and nothing to drop,
//   - the next child opens at that length and appends on from it.
// With hypercore 11.37.1 an append writes one RocksDB batch (blocks, tree nodes,
// bitfield, head) and then a hints-only batch; both reach the WAL with write(2), and
// no fsync, before the promise resolves (seen with strace). So the guarantee proved is
// "durable across a process crash", not across an OS crash or power loss.
//
// CRASH_ROUNDS (default 12) sets the number of kills, CRASH_SEED replays a run;
// `npm run soak` runs many more rounds.
import test from 'brittle'
import Corestore from '../../src'
import { tmpDir } from '../helpers/create'
import { Child, pidAlive, reapAll } from './fixtures/supervisor'
import { Prng, seedFrom } from './fixtures/prng'
import { CRASH_CORE, crashBlock } from './fixtures/blocks'
import type { Message } from './fixtures/child-io'

const ROUNDS = roundsFrom('CRASH_ROUNDS', 12)
/** A folder is replaced after this many rounds, so soak rounds do not slow down as it grows. */
const ROUNDS_PER_FOLDER = 25
/** The writer appends batches of 1 to 3 blocks. */
const MAX_BATCH = 3
/** Bounds a child that is never killed (it is, long before this). */
const MAX_APPENDS_PER_CHILD = 200000

// brittle runs `force` teardowns even after the test function threw; its typings omit
// the option, so it is passed through a variable rather than an object literal.
const FIRST_FORCED = { order: -1, force: true }

/** When to kill: a delay after spawning (lands in startup or open), or after k acks. */
type KillPlan = { after: 'spawn', delayMs: number } | { after: 'acks', acks: number, delayMs: number }

interface Round {
  exit: { code: number | null, signal: NodeJS.Signals | null }
  ready: number | null
  acks: number[]
  errors: Message[]
}

interface Reopened {
  length: number
  contiguous: number
  /** First index whose block is missing or differs from `crashBlock(index)`, or -1. */
  firstBad: number
  audits: Array<{ corrupt: boolean, dropped: number, blocks: unknown }>
}

test(`crash: ${ROUNDS} SIGKILLs at seeded moments lose no acknowledged append`, { timeout: 60000 + ROUNDS * 5000 }, async (t) => {
  const seed = seedFrom('CRASH_SEED')
  t.comment(`seed ${seed} (replay with CRASH_SEED=${seed})`)
  const prng = new Prng(seed)
  const pids: number[] = []
  t.teardown(reapAll, FIRST_FORCED)

  let dir = ''
  let stored = 0
  const seen = { beforeReady: 0, unacknowledgedStored: 0 }
  for (let round = 0; round < ROUNDS; round++) {
    if (round % ROUNDS_PER_FOLDER === 0) {
      dir = await tmpDir(t)
      stored = 0
    }
    const plan = planKill(prng)
    const child = new Child(`crash-writer round ${round}`, 'crash-writer', [dir, String(MAX_APPENDS_PER_CHILD)])
    pids.push(child.pid)
    const result = await runRound(child, plan)
    const label = `round ${round} (${describe(plan)})`

    t.is(result.exit.signal, 'SIGKILL', `${label}: ended by our SIGKILL` +
      (result.exit.signal === 'SIGKILL' ? '' : `, not ${JSON.stringify(result.exit)}; stderr: ${child.stderr}`))
    t.alike(result.errors, [], `${label}: the writer reported no error`)
    if (result.ready !== null) t.is(result.ready, stored, `${label}: reopened at the length last found`)
    t.ok(acksAdvance(result.ready ?? stored, result.acks), `${label}: each ack advances by one batch`)

    const reopened = await reopen(dir)
    const acked = result.acks.at(-1) ?? stored
    t.ok(reopened.length >= acked, `${label}: length ${reopened.length} holds every acknowledged append (last ack ${acked})`)
    t.ok(reopened.length === acked || reopened.length === acked + inFlightBatch(result),
      `${label}: beyond the last ack there is at most the whole append in flight`)
    t.is(reopened.firstBad, -1, `${label}: every block has its exact content`)
    t.is(reopened.contiguous, reopened.length, `${label}: every block up to the length is held`)
    t.ok(auditClean(reopened, stored), `${label}: audit clean ${JSON.stringify(reopened.audits)}`)
    if (result.ready === null) seen.beforeReady++
    if (reopened.length > acked) seen.unacknowledgedStored++
    stored = reopened.length
  }
  t.comment(`kills before 'ready': ${seen.beforeReady}, kills that left the unacknowledged append stored: ${seen.unacknowledgedStored}`)

  // A last child runs to the end: it resumes at the stored length and exits by itself.
  // Its 10 appends are batches of 1, 2, 3, 1, 2, 3, 1, 2, 3, 1 blocks: 19 blocks.
  const last = new Child('crash-writer final', 'crash-writer', [dir, '10'])
  pids.push(last.pid)
  const ready = await last.next('ready')
  const done = await last.next('done')
  const exit = await last.exited
  t.is(ready.length, stored, 'final writer resumes at the stored length')
  t.is(done.length, stored + 19, 'final writer appended its 19 blocks after it')
  t.alike(exit, { code: 0, signal: null }, 'final writer exited by itself')
  const final = await reopen(dir)
  t.ok(final.length === stored + 19 && final.firstBad === -1 && auditClean(final, stored), 'final appends are stored and clean')

  t.alike(pids.filter(pidAlive), [], 'no writer process is left')
})

/** Kills a just-spawned writer as planned and collects everything it printed. */
async function runRound (child: Child, plan: KillPlan): Promise<Round> {
  const round: Round = { exit: { code: null, signal: null }, ready: null, acks: [], errors: [] }
  const kill = (delayMs: number): void => {
    if (delayMs === 0) child.kill()
    else setTimeout(() => child.kill(), delayMs)
  }
  child.on('message', (msg: Message) => {
    if (msg.event === 'ready') round.ready = msg.length as number
    else if (msg.event === 'ack') {
      round.acks.push(msg.length as number)
      if (plan.after === 'acks' && round.acks.length === plan.acks) kill(plan.delayMs)
    } else round.errors.push(msg)
  })
  if (plan.after === 'spawn') kill(plan.delayMs)
  // 'close' comes after stdout has ended: every line the child wrote has been read.
  round.exit = await child.exited
  return round
}

function planKill (prng: Prng): KillPlan {
  // Node needs ~150 ms to load and open the store: spawn kills spread over that window.
  if (prng.int(0, 5) === 0) return { after: 'spawn', delayMs: prng.int(0, 250) }
  // 0 ms kills right on the ack, between the append resolving and the next starting.
  return { after: 'acks', acks: prng.int(1, 300), delayMs: prng.int(0, 2) }
}

function describe (plan: KillPlan): string {
  return plan.after === 'spawn'
    ? `kill ${plan.delayMs} ms after spawn`
    : `kill ${plan.delayMs} ms after ack ${plan.acks}`
}

/** Opens the folder in this process, reads every block and audits without repairing. */
async function reopen (dir: string): Promise<Reopened> {
  const store = new Corestore(dir)
  try {
    const core = store.get({ name: CRASH_CORE })
    await core.ready()
    const length = core.length
    const contiguous = core.contiguousLength
    let firstBad = -1
    const CHUNK = 256
    for (let start = 0; start < length && firstBad === -1; start += CHUNK) {
      const indexes = Array.from({ length: Math.min(CHUNK, length - start) }, (_, i) => start + i)
      const blocks = await Promise.all(indexes.map((i) => core.get(i, { wait: false })))
      const bad = blocks.findIndex((block, i) => block === null || !block.equals(crashBlock(start + i)))
      if (bad !== -1) firstBad = start + bad
    }
    await core.close()

    const audits: Reopened['audits'] = []
    for await (const { audit } of store.audit({ dryRun: true })) {
      audits.push({
        corrupt: audit.corrupt,
        dropped: audit.droppedBlocks + audit.droppedTreeNodes + audit.droppedBits,
        blocks: audit.blocks
      })
    }
    return { length, contiguous, firstBad, audits }
  } finally {
    await store.close()
  }
}

/** One audited core (none while nothing was ever created), nothing dropped, every block counted. */
function auditClean ({ audits, length }: Reopened, storedBefore: number): boolean {
  if (audits.length === 0) return length === 0 && storedBefore === 0
  return audits.length === 1 && audits.every((a) => !a.corrupt && a.dropped === 0 && a.blocks === length)
}

/** Acks grow by 1, 2, 3, 1, 2, 3... blocks from `from`, as the writer batches them. */
function acksAdvance (from: number, acks: number[]): boolean {
  let prev = from
  return acks.every((length, i) => {
    const ok = length - prev === (i % MAX_BATCH) + 1
    prev = length
    return ok
  })
}

/**
 * Blocks of the one append that may be stored but not acknowledged: the append after
 * the last ack (the writer's batches go 1, 2, 3, 1...). None before 'ready': the writer
 * starts appending only after printing it.
 */
function inFlightBatch (round: Round): number {
  return round.ready === null ? 0 : (round.acks.length % MAX_BATCH) + 1
}

function roundsFrom (name: string, fallback: number): number {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${text}`)
  return n
}
