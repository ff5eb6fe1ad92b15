import Hypercore = require('hypercore')
import { blockContent } from '../../peers/catalog'
import type { Peer } from '../../peers/peer'
import type { Feature, FeatureContext, FeatureOutput, ApiStore } from './feature'
import { closeAll, drawOnCore, entryOf, within } from './feature'

/** Blocks of the core the reader looks at for one it lacks. */
const SCAN = 16

type Stream = ReturnType<typeof Hypercore.createProtocolStream>

/**
 * Serving a stored core over a stream the caller made, shared by two stores: the owner
 * replicates a store session and then its root on one protocol stream it made itself
 * (two stores on one muxer) and closes the store session; a reader peer (`arg` draws
 * which) replicates over the other end only (its core is opened through an inactive
 * store session, so it joins no link) and reads a block it lacks of an owned core that
 * the owner stores but has not open. The owner must attach the core when asked, and the
 * read completes within the step timeout with the owner's block.
 */
export const serveFeature: Feature = {
  name: 'serve',
  draw (prng, plan) {
    const step = drawOnCore(prng, plan, 'serve', 'owner')
    return { ...step, arg: prng.int(0, 15) }
  },
  async run (ctx, step) {
    const entry = entryOf(ctx, step)
    const owner = ctx.peer
    if (entry.owner !== owner.index) return { real: false, ok: false, code: 'NOT_OWNER' }
    // Stored but not open on the owner: only dynamic attach can serve it.
    if (owner.requireStore().cores.get(entry.id) !== null) return { real: false, ok: false, code: 'CORE_OPEN' }
    const length = owner.acked.get(entry.index) ?? 0
    if (length === 0) return { real: false, ok: false, code: 'EMPTY' }
    // Not a sleeping peer: its store is suspended, so nothing it is asked would finish.
    const readers = ctx.peers.filter((p) => p !== owner && p.up && p.asleep === null && p.store?.cores.get(entry.id) === null)
    const reader = readers[step.arg % Math.max(1, readers.length)]
    if (reader === undefined) return { real: false, ok: false, code: 'NO_READER' }
    return await serve(ctx, entry, owner, reader, length)
  }
}

async function serve (ctx: FeatureContext, entry: ReturnType<typeof entryOf>, owner: Peer, reader: Peer, length: number): Promise<FeatureOutput> {
  const ownerRoot = owner.requireStore() as unknown as ApiStore
  const readerRoot = reader.requireStore() as unknown as ApiStore
  const shared = ownerRoot.session()
  const quiet = readerRoot.session({ active: false })
  const session = quiet.get({ key: entry.key })
  // The reader stores the core from now on: the model says so, as for any session it opens.
  reader.holds.add(entry.index)
  const streams: Stream[] = []
  try {
    await session.ready()
    let index = -1
    for (let i = Math.max(0, length - SCAN); i < length && index === -1; i++) if (!(await session.has(i))) index = i
    if (index === -1) return { real: false, ok: false, code: 'HAS_ALL' }
    const mine = Hypercore.createProtocolStream(true)
    streams.push(mine)
    // The store session first, then the root: closing the first must not take the
    // root's dynamic attach with it (upstream keeps only the last pairing of a muxer).
    ;(shared as unknown as { replicate (s: Stream): unknown }).replicate(mine)
    ;(ownerRoot as unknown as { replicate (s: Stream): unknown }).replicate(mine)
    const theirs = (readerRoot as unknown as { replicate (i: boolean): Stream }).replicate(false)
    streams.push(theirs)
    mine.pipe(theirs).pipe(mine)
    await shared.close()
    const got = await within(ctx, session.get(index).catch((err: unknown) => err), ctx.stepTimeoutMs)
    const bad: string[] = []
    const from = `block ${index} of c${entry.index} from peer ${owner.index}, which stores it (not open), over a caller's stream shared by two of its stores (one closed)`
    if (got === 'waited') bad.push(`peer ${reader.index}'s read of ${from} was still waiting after ${ctx.stepTimeoutMs} ms`)
    else if (got instanceof Error) return { real: false, ok: false, code: (got as { code?: string }).code ?? 'ERROR' }
    else if (!blockContent(entry.name, index).equals(got as Buffer)) bad.push(`peer ${reader.index}'s read of ${from} gave other bytes`)
    ctx.passed(1 - bad.length)
    for (const detail of bad) ctx.violate(`serve: ${detail}`, entry.index)
    return { real: true, ok: bad.length === 0 }
  } finally {
    for (const s of streams) s.destroy()
    await closeAll([session, quiet, shared])
    await untilCollected(ctx, reader, entry.id)
  }
}

/** Virtual ms the reader's core gets to go idle and be collected (linger, then GC strikes). */
const COLLECT_MS = 12_000
const POLL_MS = 500

// A core first opened through an inactive store session never attaches to a stream for
// anyone while it stays open (ours and upstream 7.12.5 alike): the reader's core must be
// gone before a later step opens it, or that step could never download it.
async function untilCollected (ctx: FeatureContext, reader: Peer, id: string): Promise<void> {
  for (let waited = 0; waited < COLLECT_MS; waited += POLL_MS) {
    if (!reader.up || reader.store?.cores.get(id) === null) return
    await new Promise<void>((resolve) => { ctx.clock.setTimeout(resolve, POLL_MS) })
  }
}
