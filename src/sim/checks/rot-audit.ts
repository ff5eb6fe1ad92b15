import type { CheckContext, CheckResult, Drive } from './invariants'
import type { Peer } from '../peers/peer'
import type { CorruptTarget } from '../disk/corruption'
import type Hypercore = require('hypercore')

/** hypercore-storage's core storage, as far as this check reads it: which data pointer holds the core's records. */
interface PointerStorage {
  core?: { dataPointer?: number }
}

/** hypercore's core state storage, as far as `bareRoot` reads it. */
interface TreeReader {
  read (): { getTreeNode (index: number): Promise<unknown>, tryFlush (): void }
}

/** Roots of a Merkle tree of `length` blocks (flat-tree's fullRoots of 2 * length): leaf i is node 2i. */
function roots (length: number): number[] {
  const out: number[] = []
  let left = length
  let offset = 0
  while (left > 0) {
    let factor = 1
    while (factor * 2 <= left) factor *= 2
    out.push(offset + factor - 1)
    offset += 2 * factor
    left -= factor
  }
  return out
}

/** True if tree node `index` is a root at the session's length with nothing stored under it. */
async function bareRoot (session: Hypercore, index: number): Promise<boolean> {
  if (!roots(session.length).includes(index)) return false
  if (index % 2 === 0) return !(await session.has(index / 2))
  let depth = 0
  while (((index >> depth) & 1) === 1) depth++
  const half = 2 ** (depth - 1)
  const rx = (session.core?.state?.storage as unknown as TreeReader).read()
  const children = [rx.getTreeNode(index - half), rx.getTreeNode(index + half)]
  rx.tryFlush()
  return (await Promise.all(children)).every((n) => n === null || n === undefined)
}

/** A rotten record that stuck (SimDisk.damaged). */
type Damage = { target: CorruptTarget, pointer: number, index: number }

/**
 * Bit rot must not go unnoticed by the tool meant to find it: on a peer whose disk has
 * sticky rot in a core's records (`damaged`, by data pointer), `audit({ dryRun: true })`
 * of that core reports the damage (a dropped block, tree node or bit, or `corrupt`).
 * Run before the heal lifts the rot, on a running peer; cores outside the catalog (an
 * app's) are skipped. A dry run changes nothing on disk.
 * Not required (counted as `blind`): bitfield rot, which hypercore may heal before the
 * audit (a bit the rotten page cleared makes a replica fetch the block again and rewrite
 * the page); and a rotten tree node that is a root of the tree at the core's length
 * with nothing stored under it (no child node; for a leaf, no block): audit() checks a
 * node against its parent, its children and its block, never a root against the
 * signature, so nothing can show it (a sparse replica stores such roots).
 */
export async function checkRotAudit (ctx: CheckContext, peer: Peer, damaged: readonly Damage[], drive: Drive): Promise<CheckResult & { blind: number }> {
  const out = { checked: 0, violations: [] as CheckResult['violations'], blind: 0 }
  if (!peer.up || damaged.length === 0) return out
  for (const entry of ctx.catalog.entries) {
    if (entry.owner !== peer.index && !peer.holds.has(entry.index)) continue
    const session = peer.tempSession(entry)
    const outcome = await drive((async () => {
      await session.ready()
      const core = session.core
      const pointer = (core?.state?.storage as PointerStorage | undefined)?.core?.dataPointer
      const here = damaged.filter((d) => d.pointer === pointer)
      if (core === null || here.length === 0) return null
      const checkable: Damage[] = []
      for (const d of here) {
        if (d.target === 'bitfield' || (d.target === 'tree' && await bareRoot(session, d.index))) out.blind++
        else checkable.push(d)
      }
      if (checkable.length === 0) return null
      return { what: checkable.map((d) => `${d.target} ${d.index}`).join(', '), report: await core.audit({ dryRun: true }) }
    })())
    await drive(session.close())
    if (outcome.state === 'resolved' && outcome.value === null) continue
    out.checked++
    const fail = (detail: string): void => {
      out.violations.push({ invariant: 'rot-unreported', atMs: ctx.atMs, step: ctx.step, peer: peer.index, core: entry.index, detail })
    }
    if (outcome.state !== 'resolved') {
      // The open itself may fail on a rotten record: an error a user sees is a report too.
      if (outcome.state === 'rejected') continue
      fail('audit() did not finish')
      continue
    }
    const { what, report } = outcome.value as { what: string, report: { corrupt: boolean, droppedBlocks: number, droppedTreeNodes: number, droppedBits: number } | null }
    if (report === null) continue // audit found the core's roots unreadable: reported (it would delete the core)
    if (!report.corrupt && report.droppedBlocks + report.droppedTreeNodes + report.droppedBits === 0) {
      fail(`audit({ dryRun: true }) reports nothing though the core's ${what} reads back rotten`)
    }
  }
  return out
}

/**
 * After a power loss put the peer's folder back to its last sync point, every core it
 * holds must reopen whole: tree, blocks and bitfield agree, so `audit({ dryRun: true })`
 * drops nothing and finds nothing corrupt (`torn-state`). Run by the restart, on a quiet
 * disk.
 */
export async function checkCleanAudit (ctx: CheckContext, peer: Peer, drive: Drive): Promise<CheckResult> {
  const out: CheckResult = { checked: 0, violations: [] }
  if (!peer.up) return out
  for (const entry of ctx.catalog.entries) {
    if (entry.owner !== peer.index && !peer.holds.has(entry.index)) continue
    const session = peer.tempSession(entry)
    const outcome = await drive((async () => {
      await session.ready()
      return session.core === null ? null : await session.core.audit({ dryRun: true })
    })())
    await drive(session.close())
    out.checked++
    const fail = (detail: string): void => {
      out.violations.push({ invariant: 'torn-state', atMs: ctx.atMs, step: ctx.step, peer: peer.index, core: entry.index, detail })
    }
    if (outcome.state !== 'resolved') {
      fail(`after a power loss, opening and auditing the core ${outcome.state === 'pending' ? 'timed out' : 'failed'}`)
      continue
    }
    const r = outcome.value
    if (r === null) continue
    if (r.corrupt || r.droppedBlocks + r.droppedTreeNodes + r.droppedBits > 0) {
      fail(`after a power loss, audit() finds ${r.droppedBlocks} block(s), ${r.droppedTreeNodes} tree node(s), ${r.droppedBits} bit(s) to drop${r.corrupt ? ', corrupt' : ''}`)
    }
  }
  return out
}
