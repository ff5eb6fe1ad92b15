import type { DiskFaultKind, FaultKind, Step } from '../scenario/steps'
import type { InvariantName } from '../checks/invariants'
import type { SimDisks } from './sim-disks'
import type { Trace } from '../trace/trace'
import { diskErrorCode } from './disk-error'
import { isRottenBlock } from './corruption'
import type { SimDisk } from './sim-disk'

/** A disk fault step (power loss is a crash: the executor runs it). */
export type DiskFaultStep = Extract<Step, { kind: Exclude<DiskFaultKind, 'power-loss'> }>

/** What injecting a disk fault needs of a simulation. */
export interface DiskFaultContext {
  readonly disks: SimDisks
  readonly trace: Trace
  countFault (kind: FaultKind): void
  /** Runs `fn` after `delayMs` of virtual time, unless everything is healed first. */
  later (delayMs: number, fn: () => void): void
  /** Restarts the peer if its database refuses writes (Lifecycle.recoverPeer). */
  recoverPeer (peer: number): Promise<void>
}

/**
 * Injects a disk fault. A write fault lifts after `durationMs` (or at the heal); a peer
 * whose database then refuses writes is restarted, as its operator would. Read errors
 * stay armed until that many reads failed, or the heal. `faultId` tags the trace's
 * `fault` and `lift` lines so a reader pairs them.
 */
export function injectDiskFault (ctx: DiskFaultContext, step: DiskFaultStep, faultId: number): void {
  const disk = ctx.disks.get(step.peer)
  ctx.countFault(step.kind)
  if (step.kind === 'corrupt-read') {
    disk.corruptReads(step.target, step.sticky === true)
    ctx.trace.record('fault', { f: step.kind, id: faultId, p: step.peer, target: step.target, ...(step.sticky === true ? { sticky: true } : {}) })
    return
  }
  if (step.kind === 'read-error') {
    disk.failReads(step.reads ?? 1)
    ctx.trace.record('fault', { f: step.kind, id: faultId, p: step.peer, n: step.reads ?? 1 })
    return
  }
  const id = disk.failWrites(step.kind === 'disk-full' ? 'ENOSPC' : 'EIO')
  ctx.trace.record('fault', { f: step.kind, id: faultId, p: step.peer })
  if (step.durationMs === undefined) return
  ctx.later(step.durationMs, () => {
    ctx.trace.record('lift', { f: step.kind, id: faultId, p: step.peer })
    disk.liftWrites(id)
    void ctx.recoverPeer(step.peer)
  })
}

/**
 * True if a read of the peer's own disk handed back `got` where `expected` belongs, as
 * exactly the rotten copy a `corrupt-read` made of it, while that disk flipped reads
 * (`rotBefore`: its `corruptReads` when the read started). hypercore 11 trusts its own
 * disk (test/upstream-bugs/hypercore-trusts-own-disk.js): such a read is tolerated and
 * counted, and nothing else is.
 */
export function servedOwnRot (disk: SimDisk, rotBefore: number, got: Uint8Array, expected: Uint8Array): boolean {
  if (disk.stats.corruptReads <= rotBefore || !isRottenBlock(got, expected)) return false
  disk.stats.rotServed++
  return true
}

/** A failed condition: invariant, detail. */
export type Finding = [InvariantName, string]

/**
 * What must hold of an append that failed. If the peer's disk failed a write meanwhile
 * (`diskFailed`): it was rejected with the disk's error (a code a user can act on:
 * EIO or ENOSPC, on the error or its cause), and it is not half there: the session's
 * length is where it started, or past the whole append (its blocks were written before
 * a later write of the append failed). Otherwise nothing may fail an owner's append
 * (`append-error`), and nothing of it is there. `lengthNow` null: not looked at.
 */
export function checkFailedAppend (err: unknown, diskFailed: boolean, start: number, blocks: number, lengthNow: number | null): Finding[] {
  const out: Finding[] = []
  const e = err as { code?: unknown, message?: unknown } | null
  const what = `${String(e?.code ?? 'no code')}: ${String(e?.message ?? e)}`
  if (diskFailed && diskErrorCode(err) === null) {
    out.push(['append-error', `an append failed under a disk fault without the disk's code: ${what}`])
  } else if (!diskFailed) {
    out.push(['append-error', `an append failed though the disk did not: ${what}`])
  }
  const allowed = diskFailed ? [start, start + blocks] : [start]
  if (lengthNow !== null && !allowed.includes(lengthNow)) {
    out.push(['torn-append', `a failed append of ${blocks} block(s) at ${start} left length ${lengthNow}`])
  }
  return out
}
