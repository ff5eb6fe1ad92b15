import { xoroshiro128plus, type RandomGenerator } from 'pure-rand/generator/xoroshiro128plus'
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { mixSeed } from './prng'

/**
 * Routes `Math.random` to a seeded generator while installed. hypercore draws from
 * Math.random when it picks which blocks to request and when it shuffles its hotswap
 * queue, so a deterministic run must own those draws.
 *
 * The generator is reseeded at every epoch (the scheduler starts one per event and per
 * step) from the run's seed and the epoch number: draws in one event never depend on how
 * many draws earlier events made, which keeps any divergence local and easy to find.
 */
export class MathRandomRoute {
  /** The seed all epoch generators derive from. */
  readonly seed: number
  private saved: (() => number) | null = null
  private epochNumber = 0
  private gen: RandomGenerator | null = null
  /** Draws made while installed. */
  draws = 0

  constructor (seed: number) {
    this.seed = seed >>> 0
  }

  /** The current epoch. */
  get epoch (): number {
    return this.epochNumber
  }

  /** Replaces Math.random. */
  install (): void {
    if (this.saved !== null) return
    this.saved = Math.random
    Math.random = () => {
      if (this.gen === null) this.gen = xoroshiro128plus(mixSeed(this.seed, this.epochNumber))
      this.draws++
      return uniformFloat64(this.gen)
    }
  }

  /** Starts epoch `n`: the next draw comes from a generator seeded by (seed, n). */
  begin (n: number): void {
    this.epochNumber = n
    this.gen = null
  }

  /** Restores the real Math.random. */
  uninstall (): void {
    if (this.saved === null) return
    Math.random = this.saved
    this.saved = null
  }
}
