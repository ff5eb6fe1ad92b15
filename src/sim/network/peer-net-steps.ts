import type { FaultKind, PeerNetFaultKind, Step } from '../scenario/steps'
import type { Network } from './network'
import type { Peer } from '../peers/peer'
import type { Trace } from '../trace/trace'
import { errorCode } from '../checks/invariants'

/** A one-way or sleep fault step. */
export type PeerNetFaultStep = Extract<Step, { kind: PeerNetFaultKind }>

/** What injecting a one-way or sleep fault needs of a simulation (the executor's StepContext has it). */
export interface PeerNetFaultContext {
  readonly peers: readonly Peer[]
  readonly network: Network
  readonly trace: Trace
  countFault (kind: FaultKind): void
  /** Runs `fn` after `delayMs` of virtual time, unless everything is healed first. */
  later (delayMs: number, fn: () => void): void
  /** Suspends a peer's store and puts it to sleep (Lifecycle.sleepPeer); resolves with suspend()'s error or null. */
  sleepPeer (peer: number, fault: number): Promise<unknown>
  /** Wakes a peer from the sleep fault `fault` started, if it still sleeps it, and resumes its store (Lifecycle.wakePeer). */
  wakePeer (peer: number, fault: number): Promise<void>
}

/**
 * Injects a one-way or sleep fault, lifted after `durationMs` (or at the heal). `faultId`
 * tags the trace's `fault` and `lift` lines so a reader pairs them. A sleep of a peer
 * that is down, or that went down while its app suspended the store, is PEER_DOWN; one
 * whose `suspend()` failed still sleeps and reports the error's code.
 */
export async function injectPeerNetFault (ctx: PeerNetFaultContext, step: PeerNetFaultStep, faultId: number): Promise<{ ok: boolean, code?: string }> {
  const { network, trace } = ctx
  const lift = (what: string, fn: () => void): void => {
    if (step.durationMs === undefined) return
    ctx.later(step.durationMs, () => {
      trace.record('lift', { f: what, id: faultId })
      fn()
    })
  }
  if (step.kind === 'one-way') {
    const reason = `one-way#${faultId}`
    const link = network.oneWay(step.from, step.to, reason, step.mode, step.bandwidthBytesPerSec)
    ctx.countFault('one-way')
    trace.record('fault', { f: 'one-way', id: faultId, l: link.name, from: step.from, to: step.to, mode: step.mode, ...(step.bandwidthBytesPerSec === undefined ? {} : { bps: step.bandwidthBytesPerSec }) })
    lift('one-way', () => network.liftOneWay(step.from, step.to, reason))
    return { ok: true }
  }
  const peer = ctx.peers[step.peer] as Peer
  if (!peer.up) return { ok: false, code: 'PEER_DOWN' }
  const failed = await ctx.sleepPeer(step.peer, faultId)
  if (peer.asleep === null) return { ok: false, code: 'PEER_DOWN' }
  ctx.countFault('sleep')
  trace.record('fault', { f: 'sleep', id: faultId, p: step.peer })
  lift('sleep', () => { void ctx.wakePeer(step.peer, faultId) })
  return failed === null ? { ok: true } : { ok: false, code: errorCode(failed) }
}
