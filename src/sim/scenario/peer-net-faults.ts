import type { Prng } from '../random/prng'
import { PEER_NET_FAULT_KINDS, type FaultKind, type PeerNetFaultKind, type Step } from './steps'

/** Bandwidths a one-way slow-down draws from, bytes per second (as `slow`). */
const ONE_WAY_BANDWIDTHS = [10_000, 50_000, 200_000]

/** What drawing one-way and sleep faults needs of a scenario. */
export interface PeerNetPlan {
  peers: number
  links: ReadonlyArray<[number, number]>
}

/**
 * The rates of the one-way and sleep kinds, drawn from their own generator (or given):
 * a seed that draws neither keeps the fault profile, steps and trace it had before
 * these kinds existed. Drawn: each kind with probability 0.25 (about half the seeds draw
 * neither), sharing 1-4% of steps; given, they share 4-16% of steps.
 */
export function drawPeerNetRates (prng: Prng, given: readonly FaultKind[] | undefined): Partial<Record<PeerNetFaultKind, number>> {
  const kinds = given !== undefined
    ? PEER_NET_FAULT_KINDS.filter((k) => given.includes(k))
    : PEER_NET_FAULT_KINDS.filter(() => prng.chance(0.25))
  const rates: Partial<Record<PeerNetFaultKind, number>> = {}
  if (kinds.length === 0) return rates
  // Forced (`--faults one-way`), they get the share drawn network faults get: 4-16% of steps.
  const total = (given !== undefined ? prng.int(4, 16) : prng.int(1, 4)) / 100
  const weights = kinds.map(() => prng.int(1, 5))
  const sum = weights.reduce((a, b) => a + b, 0)
  kinds.forEach((k, i) => { rates[k] = Math.round((total * (weights[i] as number) / sum) * 1000) / 1000 })
  return rates
}

/**
 * Inserts the one-way and sleep faults among the steps (at least one of each kind with
 * a rate), at places and with fields drawn from `prng` alone: the other steps stay as
 * they were, in order.
 */
export function insertPeerNetFaults<S> (prng: Prng, steps: readonly S[], rates: Partial<Record<PeerNetFaultKind, number>>, plan: PeerNetPlan): Array<S | Step> {
  const added: Array<{ at: number, step: Step }> = []
  for (const kind of PEER_NET_FAULT_KINDS) {
    const rate = rates[kind]
    if (rate === undefined) continue
    const count = Math.max(1, Math.round(steps.length * rate))
    for (let i = 0; i < count; i++) added.push({ at: prng.int(0, steps.length), step: drawPeerNetFault(prng, kind, plan) })
  }
  added.sort((x, y) => x.at - y.at)
  const out: Array<S | Step> = []
  let next = 0
  steps.forEach((step, i) => {
    while (next < added.length && (added[next] as { at: number }).at === i) out.push((added[next++] as { step: Step }).step)
    out.push(step)
  })
  while (next < added.length) out.push((added[next++] as { step: Step }).step)
  return out
}

function drawPeerNetFault (prng: Prng, kind: PeerNetFaultKind, plan: PeerNetPlan): Step {
  if (kind === 'sleep') return { kind, peer: prng.int(0, plan.peers - 1), durationMs: prng.int(10_000, 300_000) }
  const [x, y] = prng.pick(plan.links)
  const [from, to] = prng.chance(0.5) ? [x, y] : [y, x]
  const mode = prng.pick(['drop', 'stall', 'slow'] as const)
  const durationMs = prng.int(1000, 60_000)
  return mode === 'slow'
    ? { kind, from, to, mode, bandwidthBytesPerSec: prng.pick(ONE_WAY_BANDWIDTHS), durationMs }
    : { kind, from, to, mode, durationMs }
}
