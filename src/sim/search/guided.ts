import { deriveSeed, Prng } from '../random/prng'
import type { Scenario } from '../scenario/generator'
import { Corpus } from './corpus'
import { mutateScenario, type MutationKind } from './mutate'

/** What a campaign runs next: a fresh seed, or a scenario given as data. */
export type Candidate =
  | { origin: 'seed', n: number, seed: number }
  | { origin: 'corpus' | 'mutant', n: number, scenario: Scenario, mutations: MutationKind[] }

/** Options of `new GuidedSearch()`. */
export interface GuidedOptions {
  /** Seed of every mutation draw (mutant n draws from a generator forked from it by n). */
  seed: number
  /** Fresh seeds, in order (a campaign's seed space or shard). */
  seeds: Iterator<number>
  /** The scenario a fresh seed generates (to keep it when it reached something new). */
  generate: (seed: number) => Scenario
  /** Scenarios of a corpus folder: run first, and kept whatever they reach. */
  loaded?: readonly Scenario[]
  /** Share of candidates that are fresh seeds once the corpus is not empty. Default 0.2. */
  freshShare?: number
  /** Fresh seeds run before any mutant (so the corpus has some variety). Default 4. */
  warmup?: number
  /** Longest mutant, in steps. Default 2,000. */
  maxSteps?: number
}

/** Counts of a guided campaign. */
export interface GuidedCounts {
  fresh: number
  mutants: number
  loaded: number
  /** Mutants and fresh seeds kept for reaching something new. */
  kept: number
  corpus: number
  features: number
}

/**
 * Coverage-guided search over scenarios (as AFL does over inputs): runs the corpus
 * folder's scenarios, then fresh seeds mixed with mutants of the scenarios kept so far;
 * a run that reached a feature no earlier run reached (search/signal.ts) is kept.
 * Each mutant is a function of its number, the campaign seed and the corpus when it
 * was made; the corpus depends on the order results come back in, so with more than
 * one process two campaigns may differ, while each scenario run is still plain data
 * (a failing one is saved whole and replays exactly).
 */
export class GuidedSearch {
  readonly corpus = new Corpus()
  readonly counts: GuidedCounts = { fresh: 0, mutants: 0, loaded: 0, kept: 0, corpus: 0, features: 0 }
  private readonly opts: GuidedOptions
  private readonly queue: Scenario[]
  private readonly choose: Prng
  private n = 0
  private seedsLeft = true

  constructor (opts: GuidedOptions) {
    this.opts = opts
    this.queue = [...(opts.loaded ?? [])]
    this.choose = new Prng(deriveSeed(opts.seed, 'guided/choose'))
  }

  /** The next candidate; null when the fresh seeds have run out and there is nothing to mutate. */
  next (): Candidate | null {
    const n = this.n++
    const loaded = this.queue.shift()
    if (loaded !== undefined) {
      this.counts.loaded++
      return { origin: 'corpus', n, scenario: loaded, mutations: [] }
    }
    const entries = this.corpus.entries
    const fresh = entries.length === 0 || this.counts.fresh < (this.opts.warmup ?? 4) || this.choose.chance(this.opts.freshShare ?? 0.2)
    if (fresh && this.seedsLeft) {
      const s = this.opts.seeds.next()
      if (s.done !== true) {
        this.counts.fresh++
        return { origin: 'seed', n, seed: s.value }
      }
      this.seedsLeft = false
    }
    if (entries.length === 0) return null
    const prng = new Prng(deriveSeed(this.opts.seed, `guided/mutant/${n}`))
    const parent = prng.pick(entries).scenario
    const donor = prng.pick(entries).scenario
    const mutant = mutateScenario(parent, donor, prng, { maxSteps: this.opts.maxSteps ?? 2000 })
    this.counts.mutants++
    return { origin: 'mutant', n, scenario: mutant.scenario, mutations: mutant.mutations }
  }

  /** Records what a candidate's run reached (`features`: RunResult.signal). Returns the new features. */
  done (c: Candidate, features: readonly number[], traceHash: string): number {
    const scenario = c.origin === 'seed' ? null : c.scenario
    const before = this.corpus.entries.length
    // A fresh seed's scenario is generated only when kept: most seeds are not.
    const made = scenario ?? (this.corpus.hasNew(features) ? this.opts.generate((c as { seed: number }).seed) : null)
    const added = made === null ? 0 : this.corpus.consider(made, features, traceHash, { keep: c.origin === 'corpus', saved: c.origin === 'corpus' })
    if (this.corpus.entries.length > before && c.origin !== 'corpus') this.counts.kept++
    this.counts.corpus = this.corpus.entries.length
    this.counts.features = this.corpus.features
    return added
  }
}
