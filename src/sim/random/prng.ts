import { createHash } from 'crypto'
import { xoroshiro128plus, type RandomGenerator } from 'pure-rand/generator/xoroshiro128plus'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'

/** Largest seed accepted: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffffffff

/** Throws a RangeError unless `seed` is an integer in [0, 2^32). */
export function checkSeed (seed: unknown, what = 'seed'): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(`${what} must be an integer in [0, ${MAX_SEED}], got ${String(seed)}`)
  }
  return seed
}

/**
 * The seed of a named component under a parent seed. It depends only on the two, so a
 * component's draws never shift when another component is added or draws more.
 */
export function deriveSeed (seed: number, name: string): number {
  return createHash('sha256').update(`${seed >>> 0}/${name}`).digest().readUInt32LE(0)
}

/**
 * A cheap 32-bit mix of a seed and a counter (murmur3's finalizer), for seeds that are
 * needed very often, such as one per simulated event.
 */
export function mixSeed (seed: number, counter: number): number {
  let h = (seed ^ Math.imul(counter + 1, 0x9e3779b1)) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/**
 * A seeded pseudo-random generator (pure-rand's xoroshiro128+) with the draws the
 * simulator needs. Every random decision of a run comes from one of these, forked by
 * component name from the run's seed.
 */
export class Prng {
  /** The seed this generator started from. */
  readonly seed: number
  private readonly gen: RandomGenerator

  constructor (seed: number) {
    this.seed = checkSeed(seed)
    this.gen = xoroshiro128plus(seed)
  }

  /** An independent generator for a named component; consumes no draw from this one. */
  fork (name: string): Prng {
    return new Prng(deriveSeed(this.seed, name))
  }

  /** An integer in [min, max], both included. */
  int (min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`bad integer range [${min}, ${max}]`)
    }
    return min === max ? min : uniformInt(this.gen, min, max)
  }

  /** A float in [0, 1). */
  float (): number {
    return uniformFloat64(this.gen)
  }

  /** `n` random bytes. */
  bytes (n: number): Buffer {
    const out = Buffer.alloc(n)
    for (let i = 0; i < n; i++) out[i] = this.int(0, 255)
    return out
  }

  /** True with probability `p`. */
  chance (p: number): boolean {
    return this.float() < p
  }

  /** One element of a non-empty array. */
  pick<T> (items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty array')
    return items[this.int(0, items.length - 1)] as T
  }

  /** `n` distinct elements (fewer if the array is shorter), in draw order. */
  sample<T> (items: readonly T[], n: number): T[] {
    const pool = [...items]
    const out: T[] = []
    while (out.length < n && pool.length > 0) {
      const i = this.int(0, pool.length - 1)
      out.push(pool[i] as T)
      pool.splice(i, 1)
    }
    return out
  }

  /** One key of a weight table, with probability proportional to its (non-negative) weight. */
  weighted<K extends string> (weights: Readonly<Record<K, number>>): K {
    const entries = (Object.entries(weights) as Array<[K, number]>).filter(([, w]) => w > 0)
    const total = entries.reduce((sum, [, w]) => sum + w, 0)
    if (entries.length === 0) throw new RangeError('weighted() needs a positive weight')
    let x = this.float() * total
    for (const [key, w] of entries) {
      x -= w
      if (x < 0) return key
    }
    return (entries[entries.length - 1] as [K, number])[0]
  }
}
