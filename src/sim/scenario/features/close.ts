import type Hypercore = require('hypercore')
import type { Feature, FeatureContext, FeatureOutput } from './feature'
import { apiStore, closeAll, within } from './feature'

/** Named gets a closing store session still preloads. */
const PENDING = 2

/**
 * Closing stores, by `arg`: 0, a store session closed while its get()s by name are still
 * preloading (not awaited): once close() resolves, every session it returned is closed,
 * and each one's ready() has settled; 1, a store session left open with a session on a
 * core of its own, for the root's close (a clean close, a crash, the end of the run) to
 * close: the close audit (`left-open`) finds the session if the root's close skipped it;
 * 2, the peer's root closed with its links up (then restarted): the close leaves the
 * replication streams, which are the caller's, open, and closes its channels on them.
 */
export const closeFeature: Feature = {
  name: 'close',
  draw (prng, plan) {
    return { kind: 'api', peer: prng.int(0, plan.peers - 1), feature: 'close', arg: prng.int(0, 2) }
  },
  restarts: (step) => step.arg === 2,
  async run (ctx, step) {
    if (step.arg === 2) return await closeLinksUp(ctx)
    return step.arg === 1 ? await leaveOpen(ctx) : await closePending(ctx)
  }
}

async function closeLinksUp (ctx: FeatureContext): Promise<FeatureOutput> {
  const left = await ctx.closeLinksUp()
  await ctx.restart()
  // With no link up there was nothing to leave open.
  if (left.streams === 0) return { real: false, ok: true, code: 'NO_LINKS' }
  const bad: string[] = []
  if (left.destroyed > 0) bad.push(`close() with links up destroyed ${left.destroyed} of the ${left.streams} replication streams the caller owns`)
  if (left.channels > 0) bad.push(`close() with links up left ${left.channels} replication channel(s) open on the caller's streams`)
  ctx.passed(2 - bad.length)
  for (const detail of bad) ctx.violate(`close: ${detail}`)
  return { real: true, ok: bad.length === 0, value: left.streams }
}

async function closePending (ctx: FeatureContext): Promise<FeatureOutput> {
  const ns = apiStore(ctx).namespace('api-close')
  const sessions: Hypercore[] = []
  try {
    for (let k = 0; k < PENDING; k++) sessions.push(ns.get({ name: `p-${k}` }))
    // Settled from the start: a ready() that rejects during close() is expected, not unhandled.
    const readies = Promise.allSettled(sessions.map(async (s) => { await s.ready() }))
    await ns.close()
    const bad: string[] = []
    const open = sessions.filter((s) => !s.closed).length
    if (open > 0) bad.push(`${open} of ${PENDING} sessions whose get() was preloading when their store session closed are open after close() resolved`)
    const settled = await within(ctx, readies, ctx.stepTimeoutMs)
    if (settled === 'waited') bad.push(`the ready() of a session whose store session closed was still pending after ${ctx.stepTimeoutMs} ms`)
    ctx.passed(2 - bad.length)
    for (const detail of bad) ctx.violate(`close: ${detail}`)
    return { real: true, ok: bad.length === 0 }
  } finally {
    await closeAll([...sessions, ns])
  }
}

async function leaveOpen (ctx: FeatureContext): Promise<FeatureOutput> {
  const ns = apiStore(ctx).namespace('api-left-open')
  const session = ctx.peer.leaveOpen(ns.get({ name: `l-${ctx.clock.now()}` }))
  try {
    await session.ready()
  } catch (err) {
    await closeAll([session, ns])
    throw err
  }
  // Checked by the close audit, after the root's close.
  return { real: true, ok: true }
}
