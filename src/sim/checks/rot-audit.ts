import type { CheckContext, CheckResult, Drive } from './invariants'
import type { Peer } from '../peers/peer'
import type { CorruptTarget } from '../disk/corruption'

/** hypercore-storage's core storage, as far as this check reads it: which data pointer holds the core's records. */
interface PointerStorage {
  core?: { dataPointer?: number }
}

/**
 * Bit rot must not go unnoticed by the tool meant to find it: on a peer whose disk has
 * sticky rot in a core's records (`damaged`, by data pointer), `audit({ dryRun: true })`
 * of that core reports the damage (a dropped block, tree node or bit, or `corrupt`).
 * Run before the heal lifts the rot, on a running peer; cores outside the catalog (an
 * app's) are skipped. A dry run changes nothing on disk. Bitfield rot is not checked:
 * hypercore may heal it before the audit (a bit the rotten page cleared makes a replica
 * fetch the block again and rewrite the page), so a clean audit proves nothing there.
 */
export async function checkRotAudit (ctx: CheckContext, peer: Peer, damaged: ReadonlyArray<{ target: CorruptTarget, pointer: number }>, drive: Drive): Promise<CheckResult> {
  const out: CheckResult = { checked: 0, violations: [] }
  if (!peer.up || damaged.length === 0) return out
  const pointers = new Map(damaged.filter((d) => d.target !== 'bitfield').map((d) => [d.pointer, d.target]))
  for (const entry of ctx.catalog.entries) {
    if (entry.owner !== peer.index && !peer.holds.has(entry.index)) continue
    const session = peer.tempSession(entry)
    const outcome = await drive((async () => {
      await session.ready()
      const core = session.core
      const pointer = (core?.state?.storage as PointerStorage | undefined)?.core?.dataPointer
      if (core === null || pointer === undefined || !pointers.has(pointer)) return null
      return { target: pointers.get(pointer) as CorruptTarget, report: await core.audit({ dryRun: true }) }
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
    const { target, report } = outcome.value as { target: CorruptTarget, report: { corrupt: boolean, droppedBlocks: number, droppedTreeNodes: number, droppedBits: number } | null }
    if (report === null) continue // audit found the core's roots unreadable: reported (it would delete the core)
    if (!report.corrupt && report.droppedBlocks + report.droppedTreeNodes + report.droppedBits === 0) {
      fail(`audit({ dryRun: true }) reports nothing though a ${target} record of the core reads back rotten`)
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
