import fc from 'fast-check'
import type { Step } from '../../../src/sim'

/** Peers of a simulator scenario; core i is owned by peer i. */
export const SIM_PEERS = 3

/** Which step kinds a simulator property draws, and how often. */
export type SimStepWeights = Partial<Record<Step['kind'], number>>

/** How reads and crashes are aimed. */
export interface SimStepAim {
  /** Share of gets and downloads aimed past the blocks appended so far, on purpose (0..1). Default 0.15. */
  pastEnd?: number
  /** Share of crashes that happen in the middle of an append by the crashing owner (0..1). Default 0. */
  midAppend?: number
}

/**
 * A step as drawn, before it is aimed: a read carries a draw that `aimSteps` turns into
 * an index below the length its core will have by then, or just past it.
 */
type Drawn =
  | Step
  | { kind: 'aim-get', peer: number, core: number, pick: number, past: boolean }
  | { kind: 'aim-download', peer: number, core: number, pick: number, past: boolean }
  | { kind: 'aim-close', peer: number, core: number, pick: number }

const peer = fc.nat({ max: SIM_PEERS - 1 })
const core = fc.nat({ max: SIM_PEERS - 1 })
const pair = fc.tuple(peer, fc.integer({ min: 1, max: SIM_PEERS - 1 })).map(([a, d]) => [a, (a + d) % SIM_PEERS] as const)
const lasting = fc.option(fc.constantFrom(500, 2000, 8000), { nil: undefined })
const pick = fc.nat({ max: 1 << 16 })

/** A boolean that is true with probability `p` (in hundredths). */
function chance (p: number): fc.Arbitrary<boolean> {
  const hundredths = Math.round(p * 100)
  return fc.nat({ max: 99 }).map((n) => n < hundredths)
}

function crash (aim: Required<SimStepAim>): fc.Arbitrary<Drawn> {
  const downMs = fc.option(fc.constantFrom(1000, 5000), { nil: undefined })
  const inflight = fc.record({ blocks: fc.integer({ min: 1, max: 3 }), afterStorageOps: fc.nat({ max: 4 }) })
  return fc.tuple(peer, downMs, chance(aim.midAppend), inflight).map(([p, down, mid, a]): Drawn => ({
    kind: 'crash',
    peer: p,
    downMs: down,
    // The crashing peer appends to the core it owns: core p.
    inflightAppend: mid ? { core: p, blocks: a.blocks, afterStorageOps: a.afterStorageOps } : undefined
  }))
}

function kind (k: Step['kind'], aim: Required<SimStepAim>): fc.Arbitrary<Drawn> {
  switch (k) {
    case 'append': return fc.tuple(core, fc.integer({ min: 1, max: 4 })).map(([c, blocks]) => ({ kind: 'append', peer: c, core: c, blocks }))
    case 'get': return fc.tuple(peer, core, pick, chance(aim.pastEnd)).map(([p, c, n, past]) => ({ kind: 'aim-get', peer: p, core: c, pick: n, past }))
    case 'open-session': return fc.tuple(peer, core).map(([p, c]) => ({ kind: 'open-session', peer: p, core: c }))
    case 'close-session': return fc.tuple(peer, core, pick).map(([p, c, n]) => ({ kind: 'aim-close', peer: p, core: c, pick: n }))
    case 'download': return fc.tuple(peer, core, pick, chance(aim.pastEnd)).map(([p, c, n, past]) => ({ kind: 'aim-download', peer: p, core: c, pick: n, past }))
    case 'replicate': return pair.map(([a, b]) => ({ kind: 'replicate', a, b }))
    case 'advance': return fc.constantFrom(100, 1000, 5000).map((ms) => ({ kind: 'advance', ms }))
    case 'disconnect': return fc.tuple(pair, lasting).map(([[a, b], durationMs]) => ({ kind: 'disconnect', a, b, durationMs }))
    case 'partition': return fc.tuple(peer, lasting).map(([p, durationMs]) => ({ kind: 'partition', side: [p], durationMs }))
    case 'stall': return fc.tuple(pair, lasting).map(([[a, b], durationMs]) => ({ kind: 'stall', a, b, durationMs }))
    case 'slow': return fc.tuple(pair, lasting).map(([[a, b], durationMs]) => ({ kind: 'slow', a, b, bandwidthBytesPerSec: 2000, durationMs }))
    case 'crash': return crash(aim)
    case 'restart': return peer.map((p) => ({ kind: 'restart', peer: p }))
    case 'disk-error':
    case 'disk-full': return fc.tuple(peer, lasting).map(([p, durationMs]) => ({ kind: k, peer: p, durationMs }))
    case 'read-error': return fc.tuple(peer, fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined })).map(([p, reads]) => ({ kind: 'read-error', peer: p, reads }))
    case 'one-way': return fc.tuple(pair, fc.constantFrom('drop', 'stall', 'slow' as const), lasting).map(([[from, to], mode, durationMs]): Drawn =>
      mode === 'slow' ? { kind: 'one-way', from, to, mode, bandwidthBytesPerSec: 2000, durationMs } : { kind: 'one-way', from, to, mode, durationMs })
    case 'sleep': return fc.tuple(peer, lasting).map(([p, durationMs]) => ({ kind: 'sleep', peer: p, durationMs }))
    case 'heal': return fc.constant({ kind: 'heal' })
    case 'op': throw new RangeError('op steps run a workload; these properties have none')
    case 'api': throw new RangeError('api steps are drawn by the scenario generator (src/sim/scenario/features)')
  }
}

/** An append whose session is closed right after it starts (the write goes on without a session). */
export const appendCloseFirst: fc.Arbitrary<Step> = fc.tuple(core, fc.integer({ min: 1, max: 4 }))
  .map(([c, blocks]) => ({ kind: 'append', peer: c, core: c, blocks, closeFirst: true }))

/**
 * Turns drawn reads into steps. The generator knows how many blocks the scenario asks
 * each owner to append before every step (an upper bound of what is there: an append
 * can fail, or be dropped by a crash). A read is aimed below that; at a core with
 * nothing appended yet it is moved to a core that has blocks, if any. A read drawn as
 * past the end (or with nothing appended anywhere) asks for at most two blocks past it.
 * A close-session is aimed at a (peer, core) the scenario opened a session on (a crash
 * or restart of the peer drops its sessions); with none open, three in four become an
 * open-session instead.
 */
export function aimSteps (drawn: readonly Drawn[]): Step[] {
  const known = new Array<number>(SIM_PEERS).fill(0)
  const opened: number[][] = Array.from({ length: SIM_PEERS }, () => new Array<number>(SIM_PEERS).fill(0))
  const closeAim = (d: { peer: number, core: number, pick: number }): Step => {
    const held = opened.flatMap((cores, p) => cores.flatMap((n, c) => n > 0 ? [[p, c] as const] : []))
    if (held.length === 0) {
      // Nothing to close: one in four stays a close (NO_SESSION is checked too), the rest open one.
      if (d.pick % 4 === 0) return { kind: 'close-session', peer: d.peer, core: d.core }
      const row = opened[d.peer] as number[]
      row[d.core] = (row[d.core] ?? 0) + 1
      return { kind: 'open-session', peer: d.peer, core: d.core }
    }
    const [p, c] = held[d.pick % held.length] as readonly [number, number]
    const row = opened[p] as number[]
    row[c] = (row[c] ?? 1) - 1
    return { kind: 'close-session', peer: p, core: c }
  }
  const aim = (core: number, pick: number, past: boolean): { core: number, index: number } => {
    const length = known[core] ?? 0
    if (past) return { core, index: length + (pick % 3) }
    if (length > 0) return { core, index: pick % length }
    const filled = known.flatMap((n, c) => n > 0 ? [c] : [])
    if (filled.length === 0) return { core, index: pick % 3 }
    const other = filled[pick % filled.length] as number
    return { core: other, index: Math.floor(pick / filled.length) % (known[other] as number) }
  }
  return drawn.map((d): Step => {
    switch (d.kind) {
      case 'append':
        known[d.core] = (known[d.core] ?? 0) + d.blocks
        return d
      case 'crash':
        if (d.inflightAppend !== undefined) known[d.inflightAppend.core] = (known[d.inflightAppend.core] ?? 0) + d.inflightAppend.blocks
        opened[d.peer]?.fill(0)
        return d
      case 'restart':
        opened[d.peer]?.fill(0)
        return d
      case 'open-session': {
        const row = opened[d.peer] as number[]
        row[d.core] = (row[d.core] ?? 0) + 1
        return d
      }
      case 'aim-close': return closeAim(d)
      case 'aim-get': {
        const { core, index } = aim(d.core, d.pick, d.past)
        return { kind: 'get', peer: d.peer, core, index }
      }
      case 'aim-download': {
        // A download of [0, index + 1): up to the aimed block.
        const { core, index } = aim(d.core, d.pick, d.past)
        return { kind: 'download', peer: d.peer, core, start: 0, end: index + 1 }
      }
      default: return d
    }
  })
}

/**
 * A list of simulator steps: an append (so reads have blocks to aim at), then steps
 * drawn with the given weights (kinds left out are not drawn) or from `extra`, reads aimed
 * by `aimSteps`.
 */
export function simSteps (weights: SimStepWeights, maxLength: number, aim: SimStepAim = {}, extra: Array<fc.WeightedArbitrary<Step>> = []): fc.Arbitrary<Step[]> {
  const resolved: Required<SimStepAim> = { pastEnd: aim.pastEnd ?? 0.15, midAppend: aim.midAppend ?? 0 }
  const kinds = (Object.entries(weights) as Array<[Step['kind'], number]>).filter(([, w]) => w > 0)
  const first = kind('append', resolved)
  const rest = fc.array(fc.oneof(...kinds.map(([k, weight]) => ({ weight, arbitrary: kind(k, resolved) })), ...extra), { maxLength: maxLength - 1, size: 'max' })
  return fc.tuple(first, rest).map(([a, drawn]) => aimSteps([a, ...drawn]))
}

/** Drops `undefined` fields, so steps print (and serialise) as the simulator's CLI shows them. */
export function cleanStep (step: Step): Step {
  return Object.fromEntries(Object.entries(step).filter(([, v]) => v !== undefined)) as Step
}
