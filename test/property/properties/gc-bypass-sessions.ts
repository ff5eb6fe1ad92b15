import fc from 'fast-check'
import type Hypercore from 'hypercore'
import { defineProperty } from '../harness/property'
import { COLLECT_MS, GC_INTERVAL_MS, GC_STRIKES, LiveWorld, onBothStores, type StoreKind } from '../model/liveness-world'

/** How the scenario reaches the core without going through `get()`. */
type Bypass = 'weak-child' | 'weak-grandchild'

/** One scenario: the same on both stores. */
interface BypassScenario {
  bypass: Bypass
  /** Whole GC intervals between the core going idle and the bypass (always before it is due). */
  ticksBefore: number
  /** Whether a get() of the key follows GC's due tick (it must share the bypass session's core). */
  getAfter: boolean
}

/** GC intervals from going idle to being collected, on both stores: the idle moment is the first strike. */
const DUE_TICKS = GC_STRIKES - 1

/**
 * Upstream 7.12.5 fails this property: its GC calls close() on the core, hypercore
 * refuses (a session is open) but the core is marked closing and upstream stops
 * tracking it, so the next get() opens a second core object on the same rows (their
 * lengths then diverge). The tolerance accepts exactly that outcome on upstream, and
 * counts it.
 */
export const upstreamUntracked = { count: 0, runs: 0 }

async function scenario (kind: StoreKind, v: BypassScenario): Promise<string[]> {
  const w = await LiveWorld.open(kind, false, 0)
  const found: string[] = []
  const opened: Hypercore[] = []
  try {
    const keeper = w.a.get({ name: 'c' })
    await keeper.append('c#0')
    const weak = keeper.session({ weak: true })
    opened.push(weak)
    await weak.ready()
    const holder = v.bypass === 'weak-grandchild' ? weak.session() : weak
    if (holder !== weak) {
      opened.push(holder)
      await holder.ready()
    }
    // The core goes idle (weak sessions do not count): GC's first strike.
    await keeper.close()
    await w.clock.advance(v.ticksBefore * GC_INTERVAL_MS)
    // The race: a live session reaches the core GC is about to collect, bypassing get().
    const bypass = holder.session({ weak: false })
    opened.push(bypass)
    await bypass.ready()
    await w.clock.advance((DUE_TICKS - v.ticksBefore) * GC_INTERVAL_MS + 1)

    const core = bypass.core
    const tracked = w.a.cores.get(bypass.discoveryKey as Buffer)
    const untracked = core === null || core.closing !== null || tracked !== core
    let later: Hypercore | null = null
    if (v.getAfter) {
      later = w.a.get({ key: bypass.key })
      opened.push(later)
      await later.ready()
    }
    const block = await bypass.get(0, { wait: false })
    if (block?.toString() !== 'c#0') found.push(`the bypass session reads ${block === null ? 'nothing' : JSON.stringify(block.toString())} after GC's due tick`)
    const { length } = await bypass.append('c#1')
    if (kind === 'upstream') upstreamUntracked.runs++
    if (untracked && kind === 'upstream' && found.length === 0 && core !== null && !core.closed) {
      upstreamUntracked.count++ // the known upstream bug, and nothing else
    } else {
      if (bypass.closed || core === null || core.closed || core.closing !== null) found.push('GC closed the core under a live session made from a session')
      else if (tracked !== core) found.push(`the store tracks ${tracked === null ? 'no core' : 'another core'} for the key while a live session holds one`)
      if (later !== null && later.core !== core) found.push('a later get() opened a second core object for the key')
      if (later !== null && later.length !== length) found.push(`a later get() sees length ${later.length}, the bypass session appended to ${length}`)
    }
    // Liveness: once every session closes, GC collects the core.
    for (const s of opened.reverse()) await s.close()
    await w.clock.advance(2 * COLLECT_MS)
    const open = w.openCoresOfA().length
    if (open > 0 && !(kind === 'upstream' && untracked)) found.push(`${open} core(s) still open once every session closed and GC ran`)
  } finally {
    await w.dispose()
  }
  return found
}

/**
 * GC versus sessions the store did not hand out: a core is idle (only a weak session,
 * which does not count, holds it); a live session is made from that weak session (as a
 * library on top does), bypassing get(), right before GC's due tick. Every scenario
 * hits the race on the virtual clock. GC must re-check the core and keep it: the
 * session works on the core the store tracks, a later get() shares it, and once every
 * session closes GC collects it. Runs on ours and on upstream 7.12.5 (see
 * `upstreamUntracked` for its known bug).
 */
export const gcBypassSessions = defineProperty<BypassScenario>({
  name: 'gc-bypass-sessions',
  summary: 'GC re-checks a due core: a session made from a weak session right before the due tick keeps a tracked, working core',
  ciRuns: 20,
  arbitrary: () => fc.record({
    bypass: fc.constantFrom<Bypass>('weak-child', 'weak-grandchild'),
    ticksBefore: fc.integer({ min: 0, max: DUE_TICKS - 1 }),
    getAfter: fc.boolean()
  }),
  run: (v) => onBothStores((kind) => scenario(kind, v)),
  describe: (v) => [
    "keeper = A.get({ name: 'c' }); keeper.append('c#0')",
    `weak = keeper.session({ weak: true })${v.bypass === 'weak-grandchild' ? '; holder = weak.session()' : ''}`,
    'keeper.close() (the core goes idle: first strike)',
    `advance ${v.ticksBefore * GC_INTERVAL_MS} ms`,
    `bypass = ${v.bypass === 'weak-grandchild' ? 'holder' : 'weak'}.session({ weak: false })`,
    `advance ${(DUE_TICKS - v.ticksBefore) * GC_INTERVAL_MS + 1} ms (GC's due tick)`,
    ...(v.getAfter ? ['later = A.get({ key })'] : []),
    "bypass.get(0); bypass.append('c#1'); close every session; advance until GC collects"
  ],
  setup: () => `A = new Corestore(dir, { gcIntervalMs: ${GC_INTERVAL_MS}, gcStrikes: ${GC_STRIKES} }) (upstream: new Corestore(dir), the same fixed GC); each scenario runs on both`
})
