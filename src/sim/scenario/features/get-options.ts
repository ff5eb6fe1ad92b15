import type Hypercore = require('hypercore')
import { blockContent } from '../../peers/catalog'
import type { Feature, FeatureContext, FeatureOutput } from './feature'
import { apiStore, closeAll, drawHolder, entryOf, within } from './feature'

/** A block index no core reaches: a read of it can only wait or time out. */
const FAR = 1_000_000
/** The `timeout` a timed get is given, in virtual ms. */
export const GET_TIMEOUT_MS = 1500
const OPTIONS = ['wait', 'timeout', 'writable', 'active'] as const

/**
 * `get()` options, by `arg`: 0 `wait: false` (a block not held is null, and the get never
 * waits for peers: no `onwait`); 1 `timeout` (a block no peer has rejects with
 * REQUEST_TIMEOUT exactly that much virtual time after the get began waiting); 2
 * `writable: false` on the owner (not writable, an append is refused); 3 `active: false`
 * (the session does not make the core download: hypercore counts it in no replicator's
 * active sessions, where a plain session counts once).
 */
export const getOptionsFeature: Feature = {
  name: 'get-options',
  draw (prng, plan) {
    const core = prng.int(0, plan.cores.length - 1)
    const arg = prng.int(0, OPTIONS.length - 1)
    const peer = arg === 2 ? (plan.cores[core] as { owner: number }).owner : drawHolder(prng, plan, core)
    return { kind: 'api', peer, feature: 'get-options', core, arg }
  },
  async run (ctx, step) {
    const entry = entryOf(ctx, step)
    const opts = ctx.peer.getOptions(entry)
    const option = OPTIONS[step.arg] ?? 'wait'
    if (option === 'writable' && entry.owner !== ctx.peer.index) return { real: false, ok: false, code: 'NOT_OWNER' }
    if (option === 'active') return await inactive(ctx, opts, entry.index)
    const extra = option === 'wait' ? { wait: false } : option === 'timeout' ? { timeout: GET_TIMEOUT_MS } : { writable: false }
    const session = apiStore(ctx).get({ ...opts, ...extra })
    try {
      await session.ready()
      const bad = option === 'wait' ? await noWait(ctx, session) : option === 'timeout' ? await timesOut(ctx, session) : await readOnly(ctx, session, entry.index, entry.name)
      ctx.passed(2 - bad.length)
      for (const detail of bad) ctx.violate(`get-options: ${detail}`, entry.index)
      return { real: true, ok: bad.length === 0 }
    } finally {
      await closeAll([session])
    }
  }
}

// hypercore reads the block from storage before it decides to wait (a disk read takes
// virtual time), so "waits" is measured where hypercore decides it: `onwait`.
async function noWait (ctx: FeatureContext, session: Hypercore): Promise<string[]> {
  const bad: string[] = []
  let waitedAt: number | null = null
  const got = await within(ctx, session.get(FAR, { onwait: () => { waitedAt = ctx.clock.now() } }).catch((err: unknown) => err), ctx.stepTimeoutMs)
  if (got === 'waited') bad.push(`a wait: false session's get of a block not held was still waiting after ${ctx.stepTimeoutMs} ms`)
  else if (got !== null) bad.push(`a wait: false session's get of a block not held gave ${got instanceof Error ? `an error (${got.message})` : 'a block'}, not null`)
  if (waitedAt !== null && got !== 'waited') bad.push('a wait: false session\'s get of a block not held waited for peers')
  return bad
}

// The timeout runs from the moment the get starts waiting for peers (after its storage read).
async function timesOut (ctx: FeatureContext, session: Hypercore): Promise<string[]> {
  const bad: string[] = []
  let waitedAt: number | null = null
  const got = await within(ctx, session.get(FAR, { onwait: () => { waitedAt = ctx.clock.now() } }).then(() => null, (err: unknown) => err), GET_TIMEOUT_MS * 3)
  const waited = waitedAt === null ? null : ctx.clock.now() - waitedAt
  const code = (got as { code?: unknown } | null)?.code
  if (got === 'waited') bad.push(`a get with timeout ${GET_TIMEOUT_MS} ms was still waiting after ${GET_TIMEOUT_MS * 3} ms`)
  else if (code !== 'REQUEST_TIMEOUT') bad.push(`a get with timeout ${GET_TIMEOUT_MS} ms ended with ${typeof code === 'string' ? code : 'no REQUEST_TIMEOUT'}${waited === null ? '' : ` after ${waited} ms`}`)
  else if (waited !== GET_TIMEOUT_MS) bad.push(`a get with timeout ${GET_TIMEOUT_MS} ms timed out after ${waited ?? 'no'} virtual ms of waiting`)
  return bad
}

async function readOnly (ctx: FeatureContext, session: Hypercore, core: number, name: string): Promise<string[]> {
  const bad: string[] = []
  if (session.writable) bad.push('a writable: false session of an owned core is writable')
  // Tracked as any append, so a store that wrongly accepts it keeps the model right.
  const appended = await ctx.peer.trackAppend(core, 1, session.append(blockContent(name, session.length))).then(() => true, () => false)
  if (appended) bad.push('a writable: false session appended')
  return bad
}

async function inactive (ctx: FeatureContext, opts: Record<string, unknown>, core: number): Promise<FeatureOutput> {
  const root = apiStore(ctx)
  const active = (s: Hypercore): number => (s.core as unknown as { replicator: { activeSessions: number } }).replicator.activeSessions
  const plain = root.get(opts)
  let quiet: Hypercore | null = null
  let other: Hypercore | null = null
  try {
    await plain.ready()
    const before = active(plain)
    quiet = root.get({ ...opts, active: false })
    await quiet.ready()
    const withQuiet = active(plain)
    other = root.get(opts)
    await other.ready()
    const withOther = active(plain)
    const bad: string[] = []
    if (withQuiet !== before) bad.push(`an active: false session changed the core's active sessions from ${before} to ${withQuiet}`)
    if (withOther !== withQuiet + 1) bad.push(`a plain session changed the core's active sessions from ${withQuiet} to ${withOther}, not by 1`)
    ctx.passed(2 - bad.length)
    for (const detail of bad) ctx.violate(`get-options: ${detail}`, core)
    return { real: true, ok: bad.length === 0 }
  } finally {
    await closeAll([plain, quiet, other])
  }
}
