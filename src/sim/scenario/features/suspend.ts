import { blockContent } from '../../peers/catalog'
import type { Feature } from './feature'
import { apiStore, closeAll, entryOf } from './feature'

/** `suspend()` then `resume()` on the owner: an append and a read of it work after. */
export const suspendFeature: Feature = {
  name: 'suspend',
  draw (prng, plan) {
    const core = prng.int(0, plan.cores.length - 1)
    return { kind: 'api', peer: (plan.cores[core] as { owner: number }).owner, feature: 'suspend', core, arg: 0 }
  },
  async run (ctx, step) {
    const entry = entryOf(ctx, step)
    if (entry.owner !== ctx.peer.index) return { real: false, ok: false, code: 'NOT_OWNER' }
    const root = apiStore(ctx)
    await root.suspend()
    await root.resume()
    const session = root.get(ctx.peer.getOptions(entry))
    try {
      await session.ready()
      const index = session.length
      const { length } = await ctx.peer.trackAppend(entry.index, 1, session.append(blockContent(entry.name, index)))
      const block = await session.get(index, { wait: false })
      const bad: string[] = []
      if (length !== index + 1) bad.push(`an append after resume() gave length ${length}, expected ${index + 1}`)
      if (block === null || !block.equals(blockContent(entry.name, index))) bad.push(`block ${index}, appended after resume(), reads back ${block === null ? 'missing' : 'different'}`)
      ctx.passed(2 - bad.length)
      for (const detail of bad) ctx.violate(`suspend: ${detail}`, entry.index)
      return { real: true, ok: bad.length === 0, value: length }
    } finally {
      await closeAll([session])
    }
  }
}
