import { blockContent } from '../../peers/catalog'
import type { Feature } from './feature'
import { apiStore, closeAll, drawOnCore, entryOf, within } from './feature'

/** `suspend()` then `resume()` on the owner: both resolve (on a disk that never failed), and an append and a read of it work after. */
export const suspendFeature: Feature = {
  name: 'suspend',
  draw: (prng, plan) => drawOnCore(prng, plan, 'suspend', 'owner'),
  async run (ctx, step) {
    const entry = entryOf(ctx, step)
    if (entry.owner !== ctx.peer.index) return { real: false, ok: false, code: 'NOT_OWNER' }
    const root = apiStore(ctx)
    // Only a disk fault may fail them: on a healthy disk a failed cycle is the store's.
    const cycle = await root.suspend().then(async () => await root.resume()).then(() => null, (err: unknown) => err)
    if (cycle !== null) {
      if (ctx.diskFaulted()) throw cycle
      ctx.violate(`suspend: suspend() then resume() failed on a healthy disk: ${cycle instanceof Error ? cycle.message : String(cycle)}`, entry.index)
      return { real: true, ok: false }
    }
    const session = root.get(ctx.peer.getOptions(entry))
    try {
      await session.ready()
      const index = session.length
      const appended = await within(ctx, ctx.peer.trackAppend(entry.index, 1, session.append(blockContent(entry.name, index))), ctx.stepTimeoutMs)
      const bad: string[] = []
      if (appended === 'waited') {
        bad.push(`an append after resume() did not finish in ${ctx.stepTimeoutMs} ms`)
        ctx.violate(`suspend: ${bad[0] as string}`, entry.index)
        return { real: true, ok: false }
      }
      const { length } = appended
      const block = await session.get(index, { wait: false })
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
