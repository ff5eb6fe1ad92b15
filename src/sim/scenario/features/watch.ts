import type { Feature } from './feature'
import { apiStore, closeAll } from './feature'

interface Watched { discoveryKey?: Uint8Array | null }

/** A core to open: a catalog core the peer stores, or a new one of a namespace. */
interface Target { label: string, opts: Record<string, unknown>, ns: boolean }

function idOf (session: { discoveryKey: Uint8Array | null }): string {
  return Buffer.from(session.discoveryKey as Uint8Array).toString('hex')
}

/**
 * `watch()`/`unwatch()`: a watcher sees a core opened after it exactly once, and
 * nothing opened after `unwatch()`. Uses cores the peer stores (owns or opened before)
 * that are not open now, `arg` choosing which; new cores of a namespace when fewer than
 * two are closed.
 */
export const watchFeature: Feature = {
  name: 'watch',
  draw (prng, plan) {
    return { kind: 'api', peer: prng.int(0, plan.peers - 1), feature: 'watch', arg: prng.int(0, 15) }
  },
  async run (ctx, step) {
    const root = apiStore(ctx)
    const tracked = ctx.peer.requireStore().cores
    const closed = ctx.catalog.entries.filter((e) => (e.owner === ctx.peer.index || ctx.peer.holds.has(e.index)) && tracked.get(e.id) === null)
    // Too few closed: new cores of a namespace, named by the virtual time (never open yet).
    const fresh = (k: number): Target => ({ label: `a new core of namespace api-watch (${k})`, opts: { name: `w-${ctx.clock.now()}-${k}` }, ns: true })
    const pick = (k: number): Target => {
      if (closed.length < 2) return fresh(k)
      const e = closed[(step.arg + k) % closed.length] as typeof closed[number]
      return { label: `core c${e.index}`, opts: ctx.peer.getOptions(e), ns: false }
    }
    const [first, second] = [pick(0), pick(1)]
    const ns = root.namespace('api-watch')
    const seen = new Map<string, number>()
    // A remote may make the store open a stored core while this one opens: seen, and
    // fine, before unwatch(); after it, the watcher must see nothing at all.
    let afterUnwatch = 0
    const watcher = (core: unknown): void => {
      if (unwatched) afterUnwatch++
      const dk = (core as Watched).discoveryKey
      if (dk === null || dk === undefined) return
      const id = Buffer.from(dk).toString('hex')
      seen.set(id, (seen.get(id) ?? 0) + 1)
    }
    let unwatched = false
    root.watch(watcher)
    const open = (t: Target): ReturnType<typeof root.get> => (t.ns ? ns : root).get(t.opts)
    const a = open(first)
    const ids: string[] = []
    let b: typeof a | null = null
    try {
      await a.ready()
      ids.push(idOf(a))
      root.unwatch(watcher)
      unwatched = true
      b = open(second)
      await b.ready()
      ids.push(idOf(b))
      const bad: string[] = []
      const n = seen.get(ids[0] as string) ?? 0
      if (n !== 1) bad.push(`a watcher saw ${first.label}, opened after watch(), ${n} times`)
      if (afterUnwatch !== 0) bad.push(`a watcher was called ${afterUnwatch} time(s) after unwatch() (${second.label} opened then)`)
      ctx.passed(2 - bad.length)
      for (const detail of bad) ctx.violate(`watch: ${detail}`)
      return { real: true, ok: bad.length === 0 }
    } finally {
      if (!unwatched) root.unwatch(watcher)
      await closeAll([a, b, ns])
    }
  }
}
