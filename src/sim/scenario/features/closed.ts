import type { Feature } from './feature'
import { apiStore, closeAll, drawOnCore, entryOf } from './feature'

/** Upstream 7.12.5 throws this message with no code (our store adds CORESTORE_CLOSED); counted, not a violation. */
const UPSTREAM_MESSAGE = /^Corestore is closed$/

/**
 * A call on a closed store session: `get()`, `session()`, `namespace()` and
 * `replicate()` throw at once with code CORESTORE_CLOSED (upstream's uncoded
 * "Corestore is closed" is accepted: it is the same failure, without a code).
 */
export const closedFeature: Feature = {
  name: 'closed',
  draw: (prng, plan) => drawOnCore(prng, plan, 'closed', 'holder'),
  async run (ctx, step) {
    const entry = entryOf(ctx, step)
    const session = apiStore(ctx).session()
    await session.ready()
    await session.close()
    const leaked: Array<{ close (): Promise<unknown> }> = []
    const calls: Array<[string, () => unknown]> = [
      ['get()', () => session.get(ctx.peer.getOptions(entry))],
      ['session()', () => session.session()],
      ['namespace()', () => session.namespace('api-closed')],
      ['replicate()', () => session.replicate(true)]
    ]
    const bad: string[] = []
    for (const [call, fn] of calls) {
      try {
        const made = fn() as { close?: () => Promise<unknown>, destroy?: () => void }
        if (typeof made.close === 'function') leaked.push(made as { close (): Promise<unknown> })
        else made.destroy?.()
        bad.push(`${call} on a closed store session did not throw`)
      } catch (err) {
        const code = (err as { code?: unknown }).code
        const message = err instanceof Error ? err.message : String(err)
        if (code === 'CORESTORE_CLOSED' || (code === undefined && UPSTREAM_MESSAGE.test(message))) continue
        bad.push(`${call} on a closed store session threw ${typeof code === 'string' ? code : 'no code'} (${message}), not CORESTORE_CLOSED`)
      }
    }
    await closeAll(leaked)
    ctx.passed(calls.length - bad.length)
    for (const detail of bad) ctx.violate(`closed: ${detail}`, entry.index)
    return { real: true, ok: bad.length === 0 }
  }
}
