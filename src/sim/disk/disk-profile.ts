import type { Prng } from '../random/prng'

/**
 * How one peer's disk performs, in virtual time. Operations of a disk are served one
 * after another, in submission order (a disk queue): each takes its latency plus a
 * uniform jitter, and now and then stalls (a memtable flush or compaction holding the
 * queue for seconds). Plain data, so scenarios and replay files can carry it.
 */
export interface DiskProfile {
  /** Service time of a read, iterator step, open or close, in ms. Default 0. */
  readLatencyMs: number
  /** Service time of a write batch (write-ahead log append and sync), in ms. Default 0. */
  writeLatencyMs: number
  /** Extra service time drawn uniformly in [0, jitterMs] per operation, in ms. Default 0. */
  jitterMs: number
  /** Probability that an operation stalls behind a flush. Default 0. */
  stallProbability: number
  /** Longest stall, in ms; a stall lasts between a tenth of it and all of it. Default 0. */
  stallMsMax: number
}

/** A disk that completes everything at once: the simulator's disk before disk profiles. */
export const PERFECT_DISK: Readonly<DiskProfile> = Object.freeze({
  readLatencyMs: 0,
  writeLatencyMs: 0,
  jitterMs: 0,
  stallProbability: 0,
  stallMsMax: 0
})

/** True if the profile never delays anything. */
export function isPerfectDisk (p: DiskProfile): boolean {
  return p.readLatencyMs === 0 && p.writeLatencyMs === 0 && p.jitterMs === 0 && (p.stallProbability === 0 || p.stallMsMax === 0)
}

/** Applies the defaults to a partial profile and validates it; throws a RangeError on bad values. */
export function checkDiskProfile (p: Partial<DiskProfile> = {}, what = 'disk'): DiskProfile {
  if (typeof p !== 'object' || p === null) throw new TypeError(`${what} must be an object`)
  const out = { ...PERFECT_DISK, ...p }
  for (const key of ['readLatencyMs', 'writeLatencyMs', 'jitterMs', 'stallMsMax'] as const) {
    const v = out[key]
    if (!Number.isInteger(v) || v < 0 || v > 600_000) throw new RangeError(`${what}.${key} must be an integer in [0, 600000]`)
  }
  if (typeof out.stallProbability !== 'number' || !(out.stallProbability >= 0 && out.stallProbability <= 1)) {
    throw new RangeError(`${what}.stallProbability must be a probability in [0, 1]`)
  }
  return out
}

/**
 * Draws a disk profile (swarm testing: peers of one run get different disks). About a
 * third are perfect; the rest take 0-2 ms per read and 1-8 ms per write batch with up
 * to 10 ms of jitter; half of those stall on 0.1 to 2% of operations, for up to 0.5, 2 or 5 s.
 */
export function drawDiskProfile (prng: Prng): DiskProfile {
  if (prng.chance(1 / 3)) return { ...PERFECT_DISK }
  const stalls = prng.chance(0.5)
  return {
    readLatencyMs: prng.int(0, 2),
    writeLatencyMs: prng.int(1, 8),
    jitterMs: prng.pick([0, 2, 10]),
    stallProbability: stalls ? prng.pick([0.001, 0.005, 0.02]) : 0,
    stallMsMax: stalls ? prng.pick([500, 2000, 5000]) : 0
  }
}

/** One line for a profile, e.g. `r1 w4 ±10 ms, stalls 1% up to 3000 ms`. */
export function describeDiskProfile (p: DiskProfile): string {
  if (isPerfectDisk(p)) return 'perfect'
  const stalls = p.stallProbability > 0 && p.stallMsMax > 0 ? `, stalls ${Math.round(p.stallProbability * 1000) / 10}% up to ${p.stallMsMax} ms` : ''
  return `r${p.readLatencyMs} w${p.writeLatencyMs} ±${p.jitterMs} ms${stalls}`
}
