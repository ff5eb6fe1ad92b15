import fc from 'fast-check'
import type Hypercore from 'hypercore'
import { defineProperty } from '../harness/property'
import { GC_INTERVAL_MS, GC_STRIKES, LiveWorld, holdClosesWhileTwinsOpen, onBothStores, routeThroughScheduler, type StoreKind } from '../model/liveness-world'
import type { Core } from '../../../src/store/types'

/** What races: gets of the key three ways, closes of the sessions they made, GC ticks. */
type Op = 'get-key' | 'get-name' | 'get-dk' | 'close-oldest' | 'tick'

/** A race, run on both stores, each with its own scheduler. */
interface Race {
  /** Whether the keeper still holds the core when the race starts; if not, the next GC tick starts closing it. */
  keeperOpen: boolean
  ops: Op[]
  ours: fc.Scheduler
  upstream: fc.Scheduler
}

function label (op: Op): string {
  switch (op) {
    case 'get-key': return 'A.get({ key })'
    case 'get-name': return "A.get({ name: 'c' })"
    case 'get-dk': return 'A.get({ discoveryKey })'
    case 'close-oldest': return 'close the oldest open session'
    case 'tick': return `advance ${GC_INTERVAL_MS} ms (a GC tick; the close it starts runs on)`
  }
}

/** Open core objects of c in A, other than `except`. */
function openTwins (w: LiveWorld, dk: Buffer, except: Core | null): Core[] {
  return w.coresOfA.filter((c) => c !== except && c.opened && !c.closed && c.discoveryKey.equals(dk))
}

async function race (kind: StoreKind, v: Race): Promise<string[]> {
  const sched = kind === 'ours' ? v.ours : v.upstream
  const w = await LiveWorld.open(kind, false, 0)
  const found: string[] = []
  const sessions: Hypercore[] = []
  try {
    const keeper = w.a.get({ name: 'c' })
    await keeper.append('c#0')
    const key = keeper.key as Buffer
    const dk = keeper.discoveryKey as Buffer
    if (v.keeperOpen) sessions.push(keeper)
    else {
      await keeper.close()
      // One tick short of collection: the race's first tick starts GC's close.
      await w.clock.advance((GC_STRIKES - 2) * GC_INTERVAL_MS)
    }
    // The moment a core finishes opening, no other core object of its key may be open.
    const onCore = (core: Core): void => {
      core.ready().then(() => {
        const twins = openTwins(w, core.discoveryKey, core)
        if (twins.length > 0) found.push(`a core of c opened while ${twins.length} other core object(s) of c were still open`)
      }, noop)
    }
    w.a.watch(onCore)
    const unroute = routeThroughScheduler(w, sched, false)
    const unhold = holdClosesWhileTwinsOpen(w)
    const get = async (session: Hypercore): Promise<void> => {
      sessions.push(session)
      await session.ready()
    }
    const run = async (op: Op): Promise<void> => {
      switch (op) {
        case 'get-key': return get(w.a.get({ key }))
        case 'get-name': return get(w.a.get({ name: 'c' }))
        case 'get-dk': return get(w.a.get({ discoveryKey: dk }))
        case 'close-oldest': return sessions.find((s) => s.closing === null)?.close()
        case 'tick': return w.clock.advanceSync(GC_INTERVAL_MS)
      }
    }
    const running = v.ops.map((op, i) => sched.schedule(Promise.resolve(), `op #${i + 1} starts: ${label(op)}`).then(() => run(op)).catch(noop))
    await sched.waitFor(Promise.all(running))
    unroute()
    unhold()
    while (sched.count() > 0) await sched.waitIdle()
    await Promise.all(sessions.map((s) => s.ready().catch(noop)))
    w.a.unwatch(onCore)
    const open = openTwins(w, dk, null)
    if (open.length > 1) found.push(`${open.length} open core objects of c once the race settled`)
  } finally {
    for (const s of sessions) await s.close().catch(noop)
    await w.dispose()
  }
  return found
}

/**
 * One core object per key: gets (by key, name and discovery key) race GC closing the
 * previous core of the key, and the closes of the sessions they made, in the order
 * fc.scheduler picks; the end of every core close is held while a newer core of its
 * key is opening (see holdClosesWhileTwinsOpen). At no moment (checked when a core finishes opening,
 * and once the race settles) are two open core objects of the key in the store: a get
 * racing a close waits for it. Runs on ours and on upstream 7.12.5.
 */
export const oneCorePerKey = defineProperty<Race>({
  name: 'one-core-per-key',
  summary: 'a get racing the close of the previous core of its key waits for that close: never two open core objects per key',
  ciRuns: 60,
  arbitrary: () => fc.record({
    keeperOpen: fc.boolean(),
    ops: fc.array(fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom<Op>('get-key', 'get-name', 'get-dk') },
      { weight: 2, arbitrary: fc.constant<Op>('tick') },
      { weight: 1, arbitrary: fc.constant<Op>('close-oldest') }
    ), { minLength: 2, maxLength: 6 }),
    ours: fc.scheduler(),
    upstream: fc.scheduler()
  }),
  run: (v) => onBothStores((kind) => race(kind, v)),
  describe: (v) => v.ours.report().filter((r) => r.status !== 'pending').map((r) => `ours: ${r.label}`),
  setup: (v) => `A = new Corestore(dir) (GC every ${GC_INTERVAL_MS} ms, ${GC_STRIKES} strikes); keeper = A.get({ name: 'c' }); keeper.append('c#0')${v.keeperOpen ? '' : '; keeper.close(); advance to one tick before GC collects c'}; ops ${v.ops.map(label).join(', ')} race in the order fc.scheduler picks (one scheduler per store):`
})

function noop (): void {}
