import type { Feature } from './feature'
import { apiStore, closeAll, drawOnCore, entryOf } from './feature'

/**
 * Store sessions and a session made from a session: closing a store session closes
 * exactly the core sessions it opened; the other store session's and the model's stay
 * open, and the other store session still opens cores.
 */
export const sessionsFeature: Feature = {
  name: 'sessions',
  draw: (prng, plan) => drawOnCore(prng, plan, 'sessions', 'holder'),
  async run (ctx, step) {
    const entry = entryOf(ctx, step)
    const root = apiStore(ctx)
    const opts = ctx.peer.getOptions(entry)
    const first = root.session()
    const second = first.session()
    const mine = [first.get(opts), first.get(opts)]
    const theirs = second.get(opts)
    let late: ReturnType<typeof second.get> | null = null
    try {
      await Promise.all([...mine, theirs].map((s) => s.ready()))
      const model = [...ctx.peer.sessions.get(entry.index) ?? []].filter((s) => !s.closed)
      await first.close()
      const bad: string[] = []
      const open = mine.filter((s) => !s.closed).length
      if (open > 0) bad.push(`${open} of the ${mine.length} sessions a closed store session opened stay open`)
      if (theirs.closed) bad.push('closing a store session closed a session of the store session made from it')
      const lost = model.filter((s) => s.closed).length
      if (lost > 0) bad.push(`closing a store session closed ${lost} session(s) the root opened`)
      late = second.get(opts)
      await late.ready()
      await second.close()
      if (!theirs.closed || !late.closed) bad.push('closing the second store session left its sessions open')
      ctx.passed(4 - bad.length)
      for (const detail of bad) ctx.violate(`sessions: ${detail}`, entry.index)
      return { real: true, ok: bad.length === 0 }
    } finally {
      await closeAll([...mine, theirs, late, first, second])
    }
  }
}
