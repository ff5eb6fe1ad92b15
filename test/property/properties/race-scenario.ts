import fc from 'fast-check'
import type Hypercore from 'hypercore'
import { REPLICATION_WAIT, waitUntil } from '../harness/settle'
import type { StepTally } from '../harness/step-tally'
import { opLabel, opensSession, skipReason, type RaceOp, type RaceSetup } from '../model/race-ops'
import { disposeRaceWorld, graceIntervals, openRaceWorld, RACE_INTERVAL_MS, routeStorage, type RaceWorld } from '../model/race-world'

/** A race: the setup, the ops to run concurrently, and the scheduler that orders them. */
export interface RaceScenario {
  setup: RaceSetup
  ops: RaceOp[]
  sched: fc.Scheduler
}

/** The arbitrary of race scenarios over `ops` (the race always has `always` among its ops). */
export function raceScenario (op: fc.Arbitrary<RaceOp>, always: RaceOp | null = null): fc.Arbitrary<RaceScenario> {
  const others = fc.array(op, { minLength: always === null ? 1 : 0, maxLength: always === null ? 4 : 3 })
  return fc.record({
    setup: fc.record({ strikes: fc.integer({ min: 1, max: 3 }), keeperOpen: fc.boolean(), viaStoreSession: fc.boolean() }),
    ops: always === null ? others : fc.tuple(others, fc.nat({ max: 3 })).map(([rest, at]) => [...rest.slice(0, at), always, ...rest.slice(at)]),
    sched: fc.scheduler()
  })
}

/** What one op produced. */
interface Outcome {
  op: RaceOp
  index: number
  session: Hypercore | null
  error: unknown
  /** Whether A.close() had started when the op started. */
  afterClose: boolean
  /** Set once the session's ready() rejected: a session that never opened holds nothing. */
  failed: boolean
}

function describeError (err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)
}

async function runOp (w: RaceWorld, op: RaceOp, index: number, state: { closing: boolean, violations: string[], outcomes: Outcome[] }): Promise<void> {
  const out: Outcome = { op, index, session: null, error: null, afterClose: state.closing, failed: false }
  state.outcomes.push(out)
  try {
    switch (op) {
      case 'get-key': out.session = w.a.get({ key: w.key }); break
      case 'get-name': out.session = w.a.get({ name: 'c' }); break
      case 'get-dk': out.session = w.a.get({ discoveryKey: w.discoveryKey }); break
      case 'child': out.session = w.keeper.session(); break
      case 'close-keeper': await w.keeper.close(); break
      case 'close-store': await w.s.close(); break
      // Synchronous: GC's close of the core is still in flight when the next op starts.
      case 'tick': w.clock.advanceSync(RACE_INTERVAL_MS); break
      case 'attach': out.session = (w.b as NonNullable<RaceWorld['b']>).get({ key: w.key }); break
      case 'close-root': {
        state.closing = true
        const before = state.outcomes.filter((o) => o.session !== null && !o.afterClose && o.op !== 'attach')
        await w.a.close()
        // The promise of close(): everything opened through A before it is closed by now.
        for (const o of before) {
          if (o.session !== null && !o.session.closed && !o.failed) state.violations.push(`#${o.index + 1} ${opLabel(o.op)}: session still open when A.close() resolved`)
        }
        break
      }
    }
    if (out.session !== null) {
      const session = out.session
      await session.ready().catch((err: unknown) => {
        out.failed = true
        throw err
      })
      // Attach is done once A has answered B's request for c: B then has A as a peer.
      if (op === 'attach') {
        await waitUntil(w.clock, () => session.peers.length > 0 || w.a.closing !== null)
        if (session.peers.length === 0 && w.a.closing === null) throw new Error('A never attached c for B')
      }
    }
  } catch (err) {
    out.error = err
  }
}

/** A session a race handed back must be open, on the core A tracks, and able to append and read. */
async function checkWorking (w: RaceWorld, o: Outcome): Promise<string | null> {
  const what = `#${o.index + 1} ${opLabel(o.op)}`
  if (o.error !== null) return `${what} failed: ${describeError(o.error)}`
  const s = o.session as Hypercore
  if (s.closed || s.closing !== null) return `${what}: session closed under the caller`
  const core = s.core
  if (core === null || core.closing !== null || core.closed) return `${what}: its core was closed (GC took it from a live session)`
  if (w.a.cores.get(w.discoveryKey) !== core) return `${what}: A tracks ${w.a.cores.get(w.discoveryKey) === null ? 'no core' : 'another core'} for c, not the session's`
  const block = await s.get(0, { wait: false })
  if (block?.toString() !== 'c#0') return `${what}: block 0 reads ${block === null ? 'nothing' : JSON.stringify(block.toString())}, not "c#0"`
  const before = s.length
  const { length } = await s.append(`c#${before}`)
  if (length !== before + 1) return `${what}: append acknowledged length ${length}, expected ${before + 1}`
  return null
}

/**
 * Runs a race: builds the setup, starts every op when the scheduler says so, and
 * checks what they handed back. Throws with every violation found.
 */
export async function runRace (v: RaceScenario, tally: StepTally | null = null): Promise<void> {
  const w = await openRaceWorld(v.setup, v.ops.includes('attach'))
  const state = { closing: false, violations: [] as string[], outcomes: [] as Outcome[] }
  try {
    const unroute = routeStorage(w, v.sched)
    const running = v.ops.map((op, i) => {
      const skip = skipReason(op, v.setup)
      if (skip !== null) {
        tally?.skipped(op, skip)
        return Promise.resolve()
      }
      tally?.did(op)
      return v.sched.schedule(Promise.resolve(), `op #${i + 1} starts: ${opLabel(op)}`).then(() => runOp(w, op, i, state))
    })
    await v.sched.waitFor(Promise.all(running))
    unroute()
    // Lookups a late request started are still parked in the scheduler: let them answer.
    while (v.sched.count() > 0) await v.sched.waitIdle()
    const closedRoot = v.ops.includes('close-root')
    const keeperGone = v.ops.includes('close-keeper') || v.ops.includes('close-store')
    for (const o of state.outcomes) {
      if (!opensSession(o.op) && o.op !== 'attach') continue
      if (closedRoot) {
        if (o.op !== 'attach' && o.session !== null && o.error === null && !o.session.closed) state.violations.push(`#${o.index + 1} ${opLabel(o.op)}: session open after A closed`)
        continue
      }
      if (o.op === 'child' && keeperGone) continue
      if (o.op === 'attach') {
        const s = o.session
        if (o.error !== null || s === null) state.violations.push(`#${o.index + 1} attach: B's session failed: ${describeError(o.error)}`)
        else {
          s.download({ start: 0, end: 1 })
          const got = await waitUntil(w.clock, () => s.contiguousLength >= 1, REPLICATION_WAIT)
          if (!got) state.violations.push(`#${o.index + 1} attach: B never got block 0 of c from A`)
        }
        continue
      }
      const problem = await checkWorking(w, o)
      if (problem !== null) state.violations.push(problem)
    }
    if (closedRoot && (w.a.cores.size !== 0 || !w.a.storage.closed)) state.violations.push(`after A.close(): ${w.a.cores.size} core(s) tracked, storage ${w.a.storage.closed ? 'closed' : 'open'}`)
    if (state.violations.length > 0) throw new Error(`RACE: ${state.violations.join('; ')}`)
  } finally {
    await disposeRaceWorld(w)
  }
}

/** The setup of a race, as one line. */
export function raceSetupLine (v: RaceScenario): string {
  const { strikes, keeperOpen, viaStoreSession } = v.setup
  const parts = [`A = new Corestore(dir, { gcIntervalMs: ${RACE_INTERVAL_MS}, gcStrikes: ${strikes} })`]
  if (v.ops.includes('attach')) parts.push('B = new Corestore(dir2); A.replicate(true) <-> B.replicate(false)')
  parts.push(`${viaStoreSession ? 'S = A.session(); ' : ''}keeper = ${viaStoreSession ? 'S' : 'A'}.get({ name: 'c' }); keeper.append('c#0')`)
  if (!keeperOpen) parts.push(`keeper.close(); advance ${RACE_INTERVAL_MS * (graceIntervals(strikes) - 1)} ms (the next GC tick collects c)`)
  v.ops.forEach((op, i) => {
    const skip = skipReason(op, v.setup)
    if (skip !== null) parts.push(`op #${i + 1} ${opLabel(op)} skipped: ${skip}`)
  })
  return `${parts.join('; ')}; then the ops race, in the order fc.scheduler picked:`
}

/** The steps of a race: what the scheduler released, in order (op starts and what A waited on). */
export function raceSteps (v: RaceScenario): string[] {
  return v.sched.report().filter((r) => r.status !== 'pending').map((r) => r.label)
}
