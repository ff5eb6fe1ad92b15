import type { DiskFaultKind, FaultKind, Step } from '../scenario/steps'
import type { InvariantName } from '../checks/invariants'
import type { SimDisks } from './sim-disks'
import type { Trace } from '../trace/trace'
import { diskErrorCode } from './disk-error'

/** A disk fault step. */
export type DiskFaultStep = Extract<Step, { kind: DiskFaultKind }>

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
 * stay armed until that many reads failed, or the heal.
 */
export function injectDiskFault (ctx: DiskFaultContext, step: DiskFaultStep): void {
  const disk = ctx.disks.get(step.peer)
  ctx.countFault(step.kind)
  if (step.kind === 'read-error') {
    disk.failReads(step.reads ?? 1)
    ctx.trace.record('fault', { f: step.kind, p: step.peer, n: step.reads ?? 1 })
    return
  }
  const id = disk.failWrites(step.kind === 'disk-full' ? 'ENOSPC' : 'EIO')
  ctx.trace.record('fault', { f: step.kind, p: step.peer })
  if (step.durationMs === undefined) return
  ctx.later(step.durationMs, () => {
    ctx.trace.record('lift', { f: step.kind, p: step.peer })
    disk.liftWrites(id)
    void ctx.recoverPeer(step.peer)
  })
}

/** A failed condition: invariant, detail. */
export type Finding = [InvariantName, string]

/**
 * What must hold of an append that failed while its peer's disk failed writes: it
 * was rejected with the disk's error (a code a user can act on: EIO or ENOSPC, on the
 * error or its cause), not some other error, and it is not half there: the session's
 * length is where it started, or past the whole append (its blocks were written before
 * a later write of the append failed).
 */
export function checkFailedAppend (err: unknown, start: number, blocks: number, lengthNow: number): Finding[] {
  const out: Finding[] = []
  if (diskErrorCode(err) === null) {
    const e = err as { code?: unknown, message?: unknown } | null
    out.push(['disk-fault-error', `an append failed under a disk fault without the disk's code: ${String(e?.code ?? 'no code')}: ${String(e?.message ?? e)}`])
  }
  if (lengthNow !== start && lengthNow !== start + blocks) {
    out.push(['torn-append', `a failed append of ${blocks} block(s) at ${start} left length ${lengthNow}`])
  }
  return out
}
