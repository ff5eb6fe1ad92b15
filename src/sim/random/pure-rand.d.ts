// pure-rand 8 ships types only behind package "exports" subpaths, which this
// project's `moduleResolution: node` cannot see. These are the few functions the
// simulator uses, with the signatures of pure-rand 8.4.

declare module 'pure-rand/generator/xoroshiro128plus' {
  /** A mutable 32-bit PRNG; `next()` returns an int in [-2^31, 2^31). */
  interface RandomGenerator {
    clone (): RandomGenerator
    next (): number
    getState (): readonly number[]
  }
  export function xoroshiro128plus (seed: number): RandomGenerator
  export type { RandomGenerator }
}

declare module 'pure-rand/distribution/uniformInt' {
  import type { RandomGenerator } from 'pure-rand/generator/xoroshiro128plus'
  export function uniformInt (rng: RandomGenerator, from: number, to: number): number
}

declare module 'pure-rand/distribution/uniformFloat64' {
  import type { RandomGenerator } from 'pure-rand/generator/xoroshiro128plus'
  export function uniformFloat64 (rng: RandomGenerator): number
}
