import type { Prng } from '../random/prng'
import { oneLine, WorkloadError, type AnyWorkload, type JsonValue } from './workload'

/** A workload operation step, as the scenario holds it (plain JSON). */
export interface OpStep {
  kind: 'op'
  peer: number
  op: string
  args: JsonValue
}

/** The peers a workload runs on in a simulation of `count` peers, checked. */
export function workloadPeers (workload: AnyWorkload, count: number): readonly number[] {
  let peers: readonly number[]
  try {
    peers = workload.peers === undefined ? Array.from({ length: count }, (_, i) => i) : workload.peers(count)
  } catch (err) {
    throw new WorkloadError('WORKLOAD_BROKEN', workload.name, `peers(${count}) threw: ${oneLine(err)}`)
  }
  checkPeerList(workload, peers, count, `peers(${count})`)
  return peers
}

function checkPeerList (workload: AnyWorkload, peers: unknown, count: number, what: string): asserts peers is readonly number[] {
  const ok = Array.isArray(peers) && peers.length > 0 && new Set(peers).size === peers.length &&
    peers.every((p) => Number.isInteger(p) && p >= 0 && p < count)
  if (!ok) throw new WorkloadError('WORKLOAD_BROKEN', workload.name, `${what} must return distinct peer indexes in [0, ${count}), at least one; got ${JSON.stringify(peers)}`)
}

/**
 * Draws one operation step: the operation by weight, then a peer allowed to run it, then
 * its arguments (`Operation.args`), all from `prng`. Arguments must be plain JSON.
 */
export function drawOpStep (prng: Prng, workload: AnyWorkload, peers: readonly number[]): OpStep {
  const weights: Record<string, number> = {}
  for (const [name, op] of Object.entries(workload.operations)) weights[name] = op.weight
  const name = prng.weighted(weights)
  const op = workload.operations[name] as AnyWorkload['operations'][string]
  let eligible: readonly number[] = peers
  if (op.peers !== undefined) {
    try {
      eligible = op.peers(peers)
    } catch (err) {
      throw new WorkloadError('WORKLOAD_BROKEN', workload.name, `operation ${name}: peers() threw: ${oneLine(err)}`)
    }
    checkPeerList(workload, eligible, Math.max(...peers) + 1, `operation ${name}: peers()`)
  }
  const peer = prng.pick(eligible)
  let args: unknown
  try {
    args = op.args(prng, peers)
  } catch (err) {
    throw new WorkloadError('WORKLOAD_BROKEN', workload.name, `operation ${name}: args() threw: ${oneLine(err)}`)
  }
  const json = args === undefined ? null : JSON.stringify(args)
  if (json === undefined) throw new WorkloadError('WORKLOAD_BROKEN', workload.name, `operation ${name}: args() must return plain JSON`)
  return { kind: 'op', peer, op: name, args: json === null ? null : JSON.parse(json) as JsonValue }
}
