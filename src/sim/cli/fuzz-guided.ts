import { generateScenario, type Scenario } from '../scenario/generator'
import type { RunResult } from '../scenario/runner'
import { CorpusError, loadCorpus } from '../search/corpus'
import { GuidedSearch, type Candidate, type GuidedCounts } from '../search/guided'
import { shardSeeds, type FuzzArgs } from './fuzz-args'
import { timeLimits, type SimJob } from './jobs'
import { CliError } from './usage'

/** Where a campaign's candidates come from: seeds in order, or a guided search. */
export interface CandidateSource {
  next (): Candidate | null
  /** What a candidate's run did (its violations are judged by the campaign). */
  done (c: Candidate, result: RunResult): void
  /** The guided search, when there is one. */
  guided: GuidedSearch | null
}

/** Seeds of the space (or shard), in order: plain `fuzz`. */
function seedSource (args: FuzzArgs): CandidateSource {
  const seeds = shardSeeds(args.first, args.last, args.shard)
  let n = 0
  return {
    next: () => {
      const s = seeds.next()
      return s.done === true ? null : { origin: 'seed', n: n++, seed: s.value }
    },
    done: () => {},
    guided: null
  }
}

/**
 * The candidates of a campaign. With --guided, a GuidedSearch seeded by the first
 * seed of the shard (so shards mutate differently), after the shard's share of the
 * scenarios of --corpus (file I of the sorted names goes to shard I mod N).
 * A corpus folder that cannot be read is refused here, before anything runs.
 */
export function candidateSource (args: FuzzArgs): CandidateSource {
  if (!args.guided) return seedSource(args)
  let loaded: Scenario[] = []
  if (args.corpus !== null) {
    try {
      const fit = { peers: args.scenario.peers, cores: args.scenario.cores, workload: args.workload }
      const corpus = loadCorpus(args.corpus, fit)
      // Shards of a campaign that share a corpus folder rerun a share of it each.
      loaded = corpus.scenarios.filter((_, i) => i % args.shard.count === args.shard.index - 1)
      if (corpus.skipped > 0) process.stderr.write(`fuzz: --corpus ${args.corpus}: ${corpus.skipped} scenarios of another shape (peers, cores or workload) skipped\n`)
    } catch (err) {
      if (err instanceof CorpusError) throw new CliError(err.code, err.message)
      throw err
    }
  }
  const search = new GuidedSearch({
    seed: args.first + args.shard.index - 1,
    seeds: shardSeeds(args.first, args.last, args.shard),
    generate: (seed) => generateScenario({ ...args.scenario, seed, ...(args.workload === null ? {} : { workload: args.workload }) }),
    loaded,
    // One fresh seed per process before mutants: the first runs are random search's own.
    warmup: args.jobs,
    maxSteps: Math.max(2 * args.scenario.steps, 100)
  })
  return {
    next: () => search.next(),
    done: (c, result) => { search.done(c, result.signal ?? [], result.traceHash) },
    guided: search
  }
}

/** The simulation job of a candidate. */
export function candidateJob (args: FuzzArgs, c: Candidate): SimJob {
  const signal = args.guided
  if (c.origin === 'seed') return { kind: 'seed', args: { ...args.scenario, seed: c.seed }, workload: args.workload, trace: null, signal }
  return { kind: 'scenario', scenario: c.scenario, store: args.scenario.store, options: timeLimits(args.scenario), workload: args.workload, trace: null, signal }
}

/** A candidate in one word or two: `seed 12`, `mutant 40 (seed 7)`, `corpus 3 (seed 9)`. */
export function candidateName (c: Candidate): string {
  return c.origin === 'seed' ? `seed ${c.seed}` : `${c.origin} ${c.n} (seed ${c.scenario.seed})`
}

/** The replay file name of a failing candidate (without the folder). */
export function failureFileName (c: Candidate, invariant: string): string {
  return c.origin === 'seed' ? `seed-${c.seed}-${invariant}.json` : `${c.origin}-${c.n}-seed-${c.scenario.seed}-${invariant}.json`
}

/** Saves the kept scenarios to --corpus, if given; returns the summary line of the search. */
export function finishGuided (args: FuzzArgs, search: GuidedSearch): string {
  let saved = ''
  if (args.corpus !== null) {
    const written = search.corpus.save(args.corpus, { store: args.scenario.store, workload: args.workload, options: timeLimits(args.scenario) })
    saved = `; ${written.length} new scenarios saved to ${args.corpus}`
  }
  return `guided: ${guidedText(search.counts)}${saved}`
}

function guidedText (c: GuidedCounts): string {
  return `${c.fresh} fresh seeds, ${c.mutants} mutants, ${c.loaded} from the corpus folder; ${c.kept} kept for reaching something new; corpus ${c.corpus} scenarios, ${c.features} features`
}
