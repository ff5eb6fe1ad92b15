import os from 'os'
import type { ParseArgsConfig } from 'util'
import { MAX_SEED } from '../random/prng'
import { budgetArg, DEFAULT_SHRINK_TIME_MS, integerArg, OUTPUT_FLAGS, outputArgs, parseFlags, scenarioArgs, SCENARIO_FLAGS, SCENARIO_FLAGS_HELP, type OutputArgs, type ScenarioArgs } from './args'
import { UsageError } from './usage'
import type { KnownBug } from '../checks/known-bugs'
import { knownArg, KNOWN_FLAG_HELP } from './known'

/** Default campaign length when neither `--seeds` nor `--time` is given, in ms. */
export const DEFAULT_FUZZ_TIME_MS = 60_000

/** Default folder of the replay files of failures. */
export const DEFAULT_FUZZ_OUT = 'sim-failures'

/** One machine's part of a seed space: shard `index` (1-based) of `count`. */
export interface Shard {
  index: number
  count: number
}

/** Parsed `corestore-sim fuzz` arguments. */
export interface FuzzArgs extends OutputArgs {
  /** The scenario every seed runs (its `seed` is replaced by each seed). */
  scenario: Omit<ScenarioArgs, 'seed'>
  /** First and last seed of the space, inclusive. */
  first: number
  last: number
  /** Real time of the campaign, in ms; null: until the seeds run out. */
  timeMs: number | null
  jobs: number
  shard: Shard
  workload: string | null
  keepGoing: boolean
  /** Folder for the replay files of failures. */
  out: string
  /** Known bugs (`--known FILE`, validated); null: none given. */
  known: KnownBug[] | null
  /** Coverage-guided search (`--guided`): fresh seeds mixed with mutants of a corpus. Default false. */
  guided: boolean
  /** Corpus folder loaded before and saved after a guided campaign (`--corpus DIR`); null: none. */
  corpus: string | null
}

const SEED_FLAGS = Object.fromEntries(Object.entries(SCENARIO_FLAGS).filter(([name]) => name !== 'seed')) as Omit<typeof SCENARIO_FLAGS, 'seed'>

const FUZZ_FLAGS = {
  ...SEED_FLAGS,
  ...OUTPUT_FLAGS,
  seeds: { type: 'string' },
  time: { type: 'string' },
  jobs: { type: 'string' },
  shard: { type: 'string' },
  'keep-going': { type: 'boolean' },
  out: { type: 'string' },
  known: { type: 'string' },
  guided: { type: 'boolean' },
  corpus: { type: 'string' }
} as const satisfies ParseArgsConfig['options']

/** Usage text of `corestore-sim fuzz`. */
export const FUZZ_USAGE = `usage: corestore-sim fuzz [options]

Runs one generated scenario per seed in --jobs simulation processes. At the first
failure it stops, shrinks the failing scenario and writes its replay file to --out.

  --seeds A..B           seeds A to B, inclusive (default: from 1, for --time)
  --time T               stop starting seeds after T of real time: 90s, 10m, 1h
                         (default ${DEFAULT_FUZZ_TIME_MS / 1000}s when --seeds is not given either)
  --jobs N               simulation processes (default: the number of cores, ${os.availableParallelism()} here)
  --shard I/N            run only shard I of N (1 <= I <= N): seeds A+I-1, A+I-1+N, ...;
                         N machines with I = 1..N split the seeds with no overlap
  --keep-going           do not stop at the first failure: collect every failing seed
                         (the first of each invariant is shrunk, the others saved as they are)
  --no-shrink            save failing scenarios without shrinking them
  --shrink-time T        real time each shrink may take (default ${DEFAULT_SHRINK_TIME_MS / 1000}s)
  --out DIR              folder for replay files of failures (default ${DEFAULT_FUZZ_OUT})
  --guided               coverage-guided search: keep scenarios whose runs reached a store
                         state no earlier run did, and run mutants of them (steps inserted,
                         deleted, duplicated, swapped, moved to another peer, core, time or
                         fault window; two spliced) mixed with fresh seeds from --seeds
  --corpus DIR           with --guided: run the scenarios in DIR first, and save the kept
                         ones there as replay files (<id>.json; shards may share a folder)
${KNOWN_FLAG_HELP}
  --json                 end stdout with one JSON line:
                         {seeds, failures: [{seed, invariant, steps, ...}], seedsPerSecond, realMs}
                         (with --known also known: [{seed, bugs}], seeds whose violations are all known)
                         (with --guided also guided: the search's summary line; failures name
                         their scenario: name "mutant N (seed S)")
  --no-progress          no status line on stderr
${SCENARIO_FLAGS_HELP.split('\n').filter((l) => !l.trimStart().startsWith('--seed ')).join('\n')}
  -h, --help             this help

Exit code 1 when a seed violated an invariant (and no known bug explains it), 0 when none
did, 2 on a usage or run error.`

function integer (text: string, what: string, min: number, max: number): number {
  return integerArg(text, what, min, max, FUZZ_USAGE)
}

/** Parses `--seeds A..B` (or a single seed `A`). */
export function parseSeeds (text: string): { first: number, last: number } {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(text.trim())
  if (m === null) throw new UsageError(`--seeds must look like A..B (e.g. 1..1000), got ${JSON.stringify(text)}`, FUZZ_USAGE)
  const first = integer(m[1] as string, '--seeds start', 0, MAX_SEED)
  const last = m[2] === undefined ? first : integer(m[2], '--seeds end', 0, MAX_SEED)
  if (first > last) throw new UsageError(`--seeds ${text}: the first seed is above the last`, FUZZ_USAGE)
  return { first, last }
}

/** Parses `--shard I/N`. */
export function parseShard (text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim())
  if (m === null) throw new UsageError(`--shard must look like I/N (e.g. 2/8), got ${JSON.stringify(text)}`, FUZZ_USAGE)
  const count = integer(m[2] as string, '--shard count N', 1, 1_000_000)
  const index = Number(m[1])
  if (index < 1 || index > count) throw new UsageError(`--shard ${text}: the shard index must be in [1, ${count}]`, FUZZ_USAGE)
  return { index, count }
}

/**
 * Parses the arguments after `fuzz`. Throws a UsageError (one readable line) on bad
 * input; returns null when help was asked for.
 */
export function parseFuzzArgs (argv: readonly string[]): FuzzArgs | null {
  const { values } = parseFlags(argv, FUZZ_FLAGS, FUZZ_USAGE)
  if (values.help === true) return null
  const str = (name: string): string | undefined => values[name] as string | undefined
  const { seed: _seed, ...scenario } = scenarioArgs(values, FUZZ_USAGE)
  const seedsText = str('seeds')
  const seeds = seedsText === undefined ? { first: 1, last: MAX_SEED } : parseSeeds(seedsText)
  const timeText = str('time')
  const timeMs = timeText === undefined
    ? (seedsText === undefined ? DEFAULT_FUZZ_TIME_MS : null)
    : budgetArg(timeText, 'time', DEFAULT_FUZZ_TIME_MS, FUZZ_USAGE)
  const jobsText = str('jobs')
  const out = str('out') ?? DEFAULT_FUZZ_OUT
  if (out.length === 0) throw new UsageError('--out needs a folder', FUZZ_USAGE)
  const shardText = str('shard')
  const guided = values.guided === true
  const corpus = str('corpus') ?? null
  if (corpus !== null && !guided) throw new UsageError('--corpus needs --guided', FUZZ_USAGE)
  if (corpus !== null && corpus.length === 0) throw new UsageError('--corpus needs a folder', FUZZ_USAGE)
  return {
    scenario,
    ...seeds,
    timeMs,
    jobs: jobsText === undefined ? os.availableParallelism() : integer(jobsText, '--jobs', 1, 256),
    shard: shardText === undefined ? { index: 1, count: 1 } : parseShard(shardText),
    workload: scenario.workload ?? null,
    keepGoing: values['keep-going'] === true,
    ...outputArgs(values, FUZZ_USAGE),
    out,
    known: knownArg(str('known'), FUZZ_USAGE),
    guided,
    corpus
  }
}

/** The seeds of a shard, in order: first+index-1, then every count-th seed up to last. */
export function * shardSeeds (first: number, last: number, shard: Shard): Generator<number> {
  for (let seed = first + shard.index - 1; seed <= last; seed += shard.count) yield seed
}
