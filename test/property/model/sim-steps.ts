import fc from 'fast-check'
import type { Step } from '../../../src/sim'

/** Peers of a simulator scenario; core i is owned by peer i. */
export const SIM_PEERS = 3

/** Which step kinds a simulator property draws, and how often. */
export type SimStepWeights = Partial<Record<Step['kind'], number>>

const peer = fc.nat({ max: SIM_PEERS - 1 })
const core = fc.nat({ max: SIM_PEERS - 1 })
const pair = fc.tuple(peer, fc.integer({ min: 1, max: SIM_PEERS - 1 })).map(([a, d]) => [a, (a + d) % SIM_PEERS] as const)
const lasting = fc.option(fc.constantFrom(500, 2000, 8000), { nil: undefined })

function kind (k: Step['kind']): fc.Arbitrary<Step> {
  switch (k) {
    case 'append': return fc.tuple(core, fc.integer({ min: 1, max: 4 })).map(([c, blocks]) => ({ kind: 'append', peer: c, core: c, blocks }))
    case 'get': return fc.tuple(peer, core, fc.nat({ max: 6 })).map(([p, c, index]) => ({ kind: 'get', peer: p, core: c, index }))
    case 'open-session': return fc.tuple(peer, core).map(([p, c]) => ({ kind: 'open-session', peer: p, core: c }))
    case 'close-session': return fc.tuple(peer, core).map(([p, c]) => ({ kind: 'close-session', peer: p, core: c }))
    case 'download': return fc.tuple(peer, core, fc.nat({ max: 4 })).map(([p, c, end]) => ({ kind: 'download', peer: p, core: c, start: 0, end: end + 1 }))
    case 'replicate': return pair.map(([a, b]) => ({ kind: 'replicate', a, b }))
    case 'advance': return fc.constantFrom(100, 1000, 5000).map((ms) => ({ kind: 'advance', ms }))
    case 'disconnect': return fc.tuple(pair, lasting).map(([[a, b], durationMs]) => ({ kind: 'disconnect', a, b, durationMs }))
    case 'partition': return fc.tuple(peer, lasting).map(([p, durationMs]) => ({ kind: 'partition', side: [p], durationMs }))
    case 'stall': return fc.tuple(pair, lasting).map(([[a, b], durationMs]) => ({ kind: 'stall', a, b, durationMs }))
    case 'slow': return fc.tuple(pair, lasting).map(([[a, b], durationMs]) => ({ kind: 'slow', a, b, bandwidthBytesPerSec: 2000, durationMs }))
    case 'crash': return fc.tuple(peer, fc.option(fc.constantFrom(1000, 5000), { nil: undefined })).map(([p, downMs]) => ({ kind: 'crash', peer: p, downMs }))
    case 'restart': return peer.map((p) => ({ kind: 'restart', peer: p }))
    case 'heal': return fc.constant({ kind: 'heal' })
    case 'op': throw new RangeError('op steps run a workload; these properties have none')
  }
}

/** A list of simulator steps drawn with the given weights (kinds left out are not drawn). */
export function simSteps (weights: SimStepWeights, maxLength: number): fc.Arbitrary<Step[]> {
  const kinds = (Object.entries(weights) as Array<[Step['kind'], number]>).filter(([, w]) => w > 0)
  return fc.array(fc.oneof(...kinds.map(([k, weight]) => ({ weight, arbitrary: kind(k) }))), { minLength: 1, maxLength, size: 'max' })
}

/** Drops `undefined` fields, so steps print (and serialise) as the simulator's CLI shows them. */
export function cleanStep (step: Step): Step {
  return Object.fromEntries(Object.entries(step).filter(([, v]) => v !== undefined)) as Step
}
