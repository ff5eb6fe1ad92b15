import fc from 'fast-check'
import crypto from 'hypercore-crypto'
import type Hypercore from 'hypercore'
import { defineProperty } from '../harness/property'
import { waitUntil } from '../harness/settle'
import { GC_INTERVAL_MS, LiveWorld, onBothStores, routeThroughScheduler, type LiveStore, type StoreKind } from '../model/liveness-world'
import type { Core } from '../../../src/store/types'

/** Cores stored in A before the race. */
const STORED = 3

/** A race around A.close(), on both stores. */
interface Race {
  /** Stored cores B asks for before A.close() (distinct): each leaves A looking the core up. */
  before: number[]
  /** What runs concurrently with A.close() and the pending look-ups: more requests, GC ticks. */
  after: Op[]
  ours: fc.Scheduler
  upstream: fc.Scheduler
}

/** The remote asks for a stored core (dynamic attach on A), or a GC tick passes. */
type Op = { kind: 'request', core: number } | { kind: 'tick' }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('request' as const), core: fc.nat({ max: STORED - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const) }) }
)

function label (op: Op): string {
  return op.kind === 'tick' ? `advance ${GC_INTERVAL_MS} ms` : `B.get({ key: c${op.core} }) (A attaches it on demand)`
}

async function race (kind: StoreKind, v: Race): Promise<string[]> {
  const sched = kind === 'ours' ? v.ours : v.upstream
  const w = await LiveWorld.open(kind, true, STORED)
  const found: string[] = []
  const remote: Hypercore[] = []
  const b = w.b as LiveStore
  try {
    w.connect()
    let closeStarted = false
    const onCore = (core: Core): void => {
      if (closeStarted) found.push(`A tracked a core (c${w.keys.findIndex((k) => k.equals(core.key as Buffer))}) after close() started`)
    }
    w.a.watch(onCore)
    // The store stops its watchers when close() starts: a core it opens after that is
    // seen where the core reads its state, A's storage.
    const storage = w.a.storage as unknown as { resumeCore (dk: Buffer): Promise<unknown> }
    const resumeCore = storage.resumeCore
    storage.resumeCore = function (dk: Buffer) {
      if (closeStarted) found.push(`A opened a core (c${w.keys.findIndex((k) => crypto.discoveryKey(k).equals(dk))}) after close() started`)
      return resumeCore.call(this, dk)
    }
    const unroute = routeThroughScheduler(w, sched)
    const request = async (core: number, wait: boolean): Promise<void> => {
      const before = w.lookups
      const session = b.get({ key: w.keys[core] })
      remote.push(session)
      await session.ready()
      // Until A is looking the core up (its answer then waits for the scheduler).
      if (wait) await waitUntil(w.clock, () => w.lookups > before, { realMsMax: 1000, stepMs: 50, virtualMsMax: 2000 })
    }
    // B's first requests leave A with look-ups pending; then A.close(), their answers
    // and the later ops race in the order the scheduler picks.
    for (const core of v.before) await request(core, true)
    let closed: Promise<void> = Promise.resolve()
    const running = v.after.map((op, i) => sched.schedule(Promise.resolve(), `#${i + 1} starts: ${label(op)}`).then(() => {
      if (op.kind === 'tick') return w.clock.advanceSync(GC_INTERVAL_MS)
      return request(op.core, false)
    }).catch(noop))
    running.push(sched.schedule(Promise.resolve(), 'A.close() starts').then(async () => {
      closeStarted = true
      closed = w.a.close()
      await closed
      const open = w.coresOfA.filter((c) => !c.closed).length
      if (open > 0) found.push(`${open} core(s) of A still open when A.close() resolved`)
    }).catch(noop))
    await sched.waitFor(Promise.all(running))
    unroute()
    while (sched.count() > 0) await sched.waitIdle()
    await closed
    // Requests still in flight once close() resolved: they must not open anything either.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
    const late = w.coresOfA.filter((c) => !c.closed).length
    if (late > 0) found.push(`${late} core(s) of A open after A closed`)
    w.a.unwatch(onCore)
    storage.resumeCore = resumeCore
  } finally {
    for (const s of remote) await s.close().catch(noop)
    await w.dispose()
  }
  return found
}

/**
 * Close versus the remote: B keeps asking A for its stored cores (dynamic attach) while
 * A closes; A's storage look-ups and the end of its cores' closes wait for fc.scheduler.
 * A never tracks a core once close() started, and nothing of it is open once close()
 * resolves. Runs on ours and on upstream 7.12.5.
 */
export const closeVsRemote = defineProperty<Race>({
  name: 'close-vs-remote',
  summary: 'a remote asking for cores while the store closes never makes it open one after close() started; nothing open once it resolved',
  ciRuns: 40,
  arbitrary: () => fc.record({
    before: fc.uniqueArray(fc.nat({ max: STORED - 1 }), { minLength: 1, maxLength: STORED }),
    after: fc.array(opArb, { maxLength: 2 }),
    ours: fc.scheduler(),
    upstream: fc.scheduler()
  }),
  run: (v) => onBothStores((kind) => race(kind, v)),
  describe: (v) => [...v.before.map((c) => `B.get({ key: c${c} }) (A starts looking it up)`), ...v.ours.report().filter((r) => r.status !== 'pending').map((r) => `ours: ${r.label}`)],
  setup: () => `A = new Corestore(dir) with ${STORED} stored cores, B = new Corestore(dir2), linked; the ops race in the order fc.scheduler picks (one scheduler per store):`
})

function noop (): void {}
