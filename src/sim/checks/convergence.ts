import type { SimContext } from '../context'
import type Hypercore = require('hypercore')
import { errorCode, type Violation } from './invariants'
import { blockContent } from '../peers/catalog'
import type { Peer } from '../peers/peer'

/** Result of a convergence check. */
export interface ConvergenceResult {
  /** Every holder reached the writer's length with identical blocks in time. */
  ok: boolean
  /** Virtual time it took, in ms (the timeout if it did not converge). */
  waitedMs: number
  /** (peer, core) pairs compared. */
  checked: number
  violations: Violation[]
}

/** What a convergence check needs of a simulation. */
export type ConvergenceContext = Pick<SimContext, 'peers' | 'catalog' | 'scheduler' | 'trace' | 'step' | 'disks'>

interface Holder {
  peer: Peer
  core: number
  session: Hypercore
  download: { destroy (): void } | null
}

/**
 * Liveness after healing: every peer that holds a core downloads it, and within
 * `timeoutMs` of virtual time it must reach the writer's length with identical blocks
 * (equal Merkle tree hashes). Expects every fault lifted and every peer up.
 * The sessions it opens are tracked by the model and closed before it returns. With
 * `contents`, every block of every holder (writers included) must also read back as the
 * owner appended it (`blockContent`): equal tree hashes say the trees agree, not that
 * the bytes each peer stores and serves are the ones the tree names.
 */
export async function converge (ctx: ConvergenceContext, timeoutMs: number, contents = false): Promise<ConvergenceResult> {
  const { scheduler, trace } = ctx
  const clock = scheduler.clock
  const started = clock.elapsedMs
  const violations: Violation[] = []
  // `h`: the holder failing, whose own rotten metadata (or its writer's) excuses it; null: never excused.
  const fail = (detail: string, peer?: number, core?: number, h: Holder | null = null): void => {
    if (h !== null && core !== undefined && (wroteOverRot(ctx, writers.get(core)) || wroteOverRot(ctx, h))) {
      ctx.trace.record('tolerated', { why: 'writer-read-rotten-metadata', p: peer, c: core })
      return
    }
    violations.push({ invariant: 'convergence', atMs: clock.elapsedMs, step: ctx.step, ...(peer === undefined ? {} : { peer }), ...(core === undefined ? {} : { core }), detail })
  }

  const holders: Holder[] = []
  const writers = new Map<number, Holder>()
  const opening: Array<Promise<void>> = []
  for (const entry of ctx.catalog.entries) {
    for (const peer of ctx.peers) {
      if (!peer.up || (entry.owner !== peer.index && !peer.holds.has(entry.index))) continue
      const holder: Holder = { peer, core: entry.index, session: null as unknown as Hypercore, download: null }
      opening.push(peer.openSession(entry).then((session) => {
        holder.session = session
        if (entry.owner !== peer.index) holder.download = session.download({ start: 0, end: -1 })
      }))
      if (entry.owner === peer.index) writers.set(entry.index, holder)
      else holders.push(holder)
    }
  }
  const opened = await scheduler.run(Promise.all(opening), timeoutMs)
  if (opened.state !== 'resolved') {
    fail(`opening sessions ${opened.state === 'pending' ? 'timed out' : `failed: ${errorCode(opened.error)}`}`)
    await release(ctx, [...holders, ...writers.values()])
    return { ok: false, waitedMs: clock.elapsedMs - started, checked: 0, violations }
  }

  const want = (h: Holder): number => writers.get(h.core)?.session.length ?? 0
  const caughtUp = (h: Holder): boolean => h.session.contiguousLength >= want(h) && h.session.length >= want(h)
  await scheduler.until(() => holders.every(caughtUp), Math.max(0, timeoutMs - (clock.elapsedMs - started)))
  const waitedMs = clock.elapsedMs - started

  let checked = 0
  for (const h of holders) {
    checked++
    const length = want(h)
    if (!caughtUp(h)) {
      const holes = await scheduler.run(onlyHoles(ctx, h, length), timeoutMs)
      if (holes.state === 'resolved' && holes.value) continue
      fail(`has ${h.session.contiguousLength}/${h.session.length} of ${length} blocks after ${waitedMs} ms`, h.peer.index, h.core, h)
      continue
    }
    if (length === 0) continue
    const writer = writers.get(h.core) as Holder
    const hashes = await scheduler.run(Promise.all([writer.session.treeHash(length), h.session.treeHash(length)]), timeoutMs)
    if (hashes.state !== 'resolved') fail(`tree hash at ${length} unavailable`, h.peer.index, h.core, h)
    else if (!hashes.value[0].equals(hashes.value[1])) fail(`blocks differ from the writer's at length ${length}`, h.peer.index, h.core, h)
  }
  if (contents) {
    for (const h of [...writers.values(), ...holders.filter(caughtUp)]) {
      const length = want(h)
      checked++
      const bad = await scheduler.run(firstWrongBlock(h, ctx.catalog.get(h.core).name, length, lostRange(ctx, h.core)), timeoutMs)
      if (bad.state !== 'resolved') fail(`reading its blocks back ${bad.state === 'pending' ? 'timed out' : `failed: ${errorCode(bad.error)}`}`, h.peer.index, h.core, h)
      else if (bad.value.index === -1) continue
      // Other bytes are never tolerated: a replica that rejected a rotten writer's tree still serves only what it verified.
      else fail(`block ${bad.value.index} ${bad.value.missing ? 'is missing' : 'reads back other bytes than the owner appended'}`, h.peer.index, h.core, bad.value.missing ? h : null)
    }
  }
  await release(ctx, [...holders, ...writers.values()])
  trace.record('converge', { ok: violations.length === 0, waitedMs, checked })
  return { ok: violations.length === 0, waitedMs, checked, violations }
}

/** hypercore-storage's core storage, as far as this reads it. */
interface PointerStorage {
  core?: { dataPointer?: number }
}

/**
 * True if the holder (the core's writer, or a replica about itself) read one of the
 * core's tree nodes or bitfield pages rotten:
 * hypercore 11 then signs a tree over the rotten node that its replicas reject as a
 * conflict (test/upstream-bugs/hypercore-signs-rotten-tree.js), or stores the rotten
 * bitfield page as its own and never serves the block again
 * (hypercore-persists-rotten-bitfield.js). Counted on the writer's disk.
 */
function wroteOverRot (ctx: ConvergenceContext, writer: Holder | undefined): boolean {
  if (writer === undefined) return false
  const pointer = (writer.session.core?.state?.storage as PointerStorage | undefined)?.core?.dataPointer
  const disk = ctx.disks.get(writer.peer.index)
  if (pointer === undefined || !disk.rottenMeta.has(pointer)) return false
  disk.stats.rotStuck++
  return true
}

/**
 * The first of blocks [0, length) the holder does not have exactly as appended (index
 * -1: none), and whether it is missing. A block missing inside `hole` is skipped (counted).
 */
async function firstWrongBlock (h: Holder, name: string, length: number, hole: Hole | null): Promise<{ index: number, missing: boolean }> {
  for (let i = 0; i < Math.min(length, h.session.length); i++) {
    const block = await h.session.get(i, { wait: false })
    if (block === null && hole !== null && i >= hole.from && i < hole.to) {
      hole.skipped()
      continue
    }
    if (block === null || !block.equals(blockContent(name, i))) return { index: i, missing: block === null }
  }
  return { index: -1, missing: false }
}

/** Blocks [from, to) of a core its writer lost to a power loss; `skipped` counts one missing there. */
interface Hole { from: number, to: number, skipped: () => void }

/**
 * The blocks of the core its writer acknowledged and then lost to a power loss
 * (Peer.lostAcked): its replicas may have had the signed length but not the blocks,
 * which are then gone from every peer for good. Missing there is tolerated, counted on
 * the writer's disk; null when the writer lost nothing.
 */
function lostRange (ctx: ConvergenceContext, core: number): Hole | null {
  const owner = ctx.catalog.get(core).owner
  const gone = (ctx.peers[owner] as Peer).lostAcked.get(core)
  if (gone === undefined) return null
  return {
    from: gone[0],
    to: gone[1],
    skipped: () => {
      ctx.disks.get(owner).stats.powerHoles++
      ctx.trace.record('tolerated', { why: 'power-loss-hole', c: core, from: gone[0], to: gone[1] })
    }
  }
}

/** True if every block of [0, length) the holder lacks lies in the core's lost range (see lostRange), and it has the length. */
async function onlyHoles (ctx: ConvergenceContext, h: Holder, length: number): Promise<boolean> {
  const hole = lostRange(ctx, h.core)
  if (hole === null || h.session.length < length || h.session.contiguousLength < hole.from) return false
  for (let i = hole.to; i < length; i++) if (!(await h.session.has(i))) return false
  hole.skipped()
  return true
}

async function release (ctx: ConvergenceContext, holders: Holder[]): Promise<void> {
  const closing: Array<Promise<boolean>> = []
  for (const h of holders) {
    h.download?.destroy()
    if (h.session === null) continue
    // Close exactly the session this check opened, and drop it from the model.
    const list = h.peer.sessions.get(h.core)
    const at = list?.indexOf(h.session) ?? -1
    if (list !== undefined && at !== -1) list.splice(at, 1)
    if (list !== undefined && list.length === 0) h.peer.sessions.delete(h.core)
    closing.push(h.session.close().then(() => true, () => false))
  }
  await ctx.scheduler.run(Promise.all(closing), 60_000)
}
