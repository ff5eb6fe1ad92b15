import { randomInt } from 'crypto'
import { createRequire } from 'module'
import path from 'path'
import { parseArgs, type ParseArgsConfig } from 'util'
import { MAX_SEED } from '../random/prng'
import { FAULT_KINDS, type FaultKind } from '../scenario/steps'
import { DEFAULT_SCENARIO } from '../scenario/generator'
import { UPSTREAM_PACKAGE } from '../peers/store-factory'
import { CliError, UsageError } from './usage'
import { loadWorkload } from '../workloads/load'
import { FEATURE_NAMES, OPT_IN_FEATURES, isFeatureName } from '../scenario/features/names'
import { WorkloadError } from '../workloads/workload'
import type { KnownBug } from '../checks/known-bugs'
import { knownArg, KNOWN_FLAG_HELP } from './known'

/** The scenario a command runs: the flags `run` and `fuzz` share. */
export interface ScenarioArgs {
  seed: number
  peers: number
  cores: number
  steps: number
  durationMs: number
  /** Given fault kinds; undefined: drawn from the seed. */
  faults?: FaultKind[]
  /** Given store API features (`--features`); undefined: drawn from the seed. */
  features?: string[]
  store: string
  /** `--workload`: a built-in workload name or a module path; undefined: none. */
  workload?: string
  /** `--setup-timeout`: virtual time one workload setup may take, in ms; undefined: the workload's own. */
  setupTimeoutMs?: number
  /** `--check-timeout`: virtual time the workload's final check may take, in ms; undefined: the workload's own. */
  checkTimeoutMs?: number
}

/** The output and shrink flags `run` and `fuzz` share, parsed. */
export interface OutputArgs {
  /** End stdout with one JSON line (`--json`). */
  json: boolean
  /** Show progress on stderr (`--no-progress`: false). */
  progress: boolean
  /** Shrink a failing run (`--no-shrink`: false). */
  shrink: boolean
  /** Real time the shrink may take, in ms (`--shrink-time`). */
  shrinkTimeMs: number
}

/** Parsed `corestore-sim run` arguments. */
export interface RunArgs extends ScenarioArgs, OutputArgs {
  trace: string | null
  /** Write the HTML report of the run here (`--html`). */
  html: string | null
  checkDeterminism: boolean
  /** Where to write the replay file of a failure; null: a temporary file. */
  save: string | null
  /** Known bugs (`--known FILE`, validated); null: none given. */
  known: KnownBug[] | null
}

/** Default `--shrink-time`, in ms. */
export const DEFAULT_SHRINK_TIME_MS = 60_000

/** Flags every scenario command takes, for `util.parseArgs`. */
export const SCENARIO_FLAGS = {
  seed: { type: 'string' },
  peers: { type: 'string' },
  cores: { type: 'string' },
  steps: { type: 'string' },
  duration: { type: 'string' },
  faults: { type: 'string' },
  features: { type: 'string' },
  store: { type: 'string' },
  workload: { type: 'string' },
  'setup-timeout': { type: 'string' },
  'check-timeout': { type: 'string' }
} as const satisfies ParseArgsConfig['options']

/** The output and shrink flags `run` and `fuzz` share (and `-h`), for `util.parseArgs`. */
export const OUTPUT_FLAGS = {
  json: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  'no-shrink': { type: 'boolean' },
  'shrink-time': { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies ParseArgsConfig['options']

/** Help text of the scenario flags (indented two spaces, one flag per line). */
export const SCENARIO_FLAGS_HELP = `  --seed N               seed of the run, 0 to ${MAX_SEED} (default: random, printed)
  --peers N              peers, 2 to 4096 (default ${DEFAULT_SCENARIO.peers})
  --cores N              cores, 1 to 100000 (default ${DEFAULT_SCENARIO.cores})
  --steps N              steps of the fault phase (default ${DEFAULT_SCENARIO.steps})
  --duration T           virtual duration of the fault phase: 600000, 600s, 10m, 1h (default 10m)
  --faults a,b|none      fault kinds (${FAULT_KINDS.join(', ')}); default: drawn from the seed
  --features a,b|none    store API features with oracles (${FEATURE_NAMES.join(', ')}); default: drawn from the seed
                         (${Object.keys(OPT_IN_FEATURES).join(', ')}: only when named)
  --store S              project | upstream | <package name> (default project)
  --workload W           run an app among the steps: hyperbee | autobase | hyperdrive | ./my.js (default none)
  --setup-timeout T      virtual time one setup of the workload may take: 10s, 2m
                         (default: the workload's setupTimeoutMs, else 10s)
  --check-timeout T      virtual time the workload's final check may take: 10s, 2m
                         (default: the workload's checkTimeoutMs, else 2m)`

/** Usage text of `corestore-sim run`. */
export const USAGE = `usage: corestore-sim run [options]

${SCENARIO_FLAGS_HELP}
  --trace FILE           write the JSONL trace to FILE
  --html FILE            write an HTML report of the run to FILE (see corestore-sim report)
  --json                 end stdout with one JSON object
  --check-determinism    run the seed in two processes and compare their traces
  --no-shrink            on a violation, do not shrink the scenario
  --shrink-time T        real time the shrink may take: 60s, 2m (default 60s)
  --save FILE            write the replay file of a failure to FILE (default: a temporary file)
${KNOWN_FLAG_HELP}
  --no-progress          no progress bar on stderr
  -h, --help             this help

Exit code 1 when an invariant was violated (or runs differ) and no known bug explains it,
2 on a usage or run error.`

const RUN_FLAGS = {
  ...SCENARIO_FLAGS,
  ...OUTPUT_FLAGS,
  trace: { type: 'string' },
  html: { type: 'string' },
  'check-determinism': { type: 'boolean' },
  save: { type: 'string' },
  known: { type: 'string' }
} as const satisfies ParseArgsConfig['options']

/** Parses a real-time budget flag (`--shrink-time`, `--time`): a duration above 0. */
export function budgetArg (text: string | undefined, flag: string, fallback: number, usage: string): number {
  if (text === undefined) return fallback
  const ms = usageOf(() => parseDuration(text), usage)
  if (ms <= 0) throw new UsageError(`--${flag} must be longer than 0`, usage)
  return ms
}

/** Parses a file path flag: absent is null, empty is a usage error. */
export function fileArg (text: string | undefined, flag: string, usage: string): string | null {
  if (text === undefined) return null
  if (text.length === 0) throw new UsageError(`--${flag} needs a file name`, usage)
  return text
}

/** Parses an integer flag in [min, max]; `what` names it in the error (e.g. `--jobs`). */
export function integerArg (text: string, what: string, min: number, max: number, usage: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${what} must be an integer in [${min}, ${max}], got ${JSON.stringify(text)}`, usage)
  const n = Number(text)
  if (n < min || n > max) throw new UsageError(`${what} must be an integer in [${min}, ${max}], got ${text}`, usage)
  return n
}

/** Parses the output and shrink flags (`OUTPUT_FLAGS`) out of parsed values. */
export function outputArgs (values: Record<string, string | boolean | undefined>, usage: string): OutputArgs {
  return {
    json: values.json === true,
    progress: values['no-progress'] !== true,
    shrink: values['no-shrink'] !== true,
    shrinkTimeMs: budgetArg(values['shrink-time'] as string | undefined, 'shrink-time', DEFAULT_SHRINK_TIME_MS, usage)
  }
}

/**
 * Runs `util.parseArgs` strictly and turns its errors into one-line usage errors.
 * Returns the values, and whether help was asked for.
 */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>> (argv: readonly string[], flags: T, usage: string, positionals = false): { values: Record<string, string | boolean | undefined>, positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...argv], options: flags, strict: true, allowPositionals: positionals })
    return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals }
  } catch (err) {
    throw new UsageError(parseArgsMessage(err), usage)
  }
}

function parseArgsMessage (err: unknown): string {
  const e = err as { code?: string, message?: string }
  const first = String(e.message ?? err).split('\n')[0] as string
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /ambiguous/.test(first)) {
    const flag = /'(--[^' ]+)/.exec(first)?.[1] ?? 'option'
    return `${flag} needs a value (a negative number is never valid here)`
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /argument missing/.test(first)) {
    return `${/'(--?[^' ]+)/.exec(first)?.[1] ?? 'option'} needs a value`
  }
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return first.replace(/^Unknown option '([^']+)'.*/, 'unknown option $1')
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return first.replace(/^Unexpected argument '([^']*)'.*/, 'unexpected argument $1')
  return first
}

/** Parses the scenario flags out of parsed values, checking every range. */
export function scenarioArgs (values: Record<string, string | boolean | undefined>, usage: string): ScenarioArgs {
  const str = (name: string): string | undefined => values[name] as string | undefined
  const int = (name: string, min: number, max: number, fallback: number): number => {
    const text = str(name)
    return text === undefined ? fallback : integerArg(text, `--${name}`, min, max, usage)
  }
  const duration = str('duration')
  const faults = str('faults')
  const out: ScenarioArgs = {
    seed: int('seed', 0, MAX_SEED, randomInt(0, 2 ** 32)),
    peers: int('peers', 2, 4096, DEFAULT_SCENARIO.peers),
    cores: int('cores', 1, 100_000, DEFAULT_SCENARIO.cores),
    steps: int('steps', 0, 10_000_000, DEFAULT_SCENARIO.steps),
    durationMs: duration === undefined ? DEFAULT_SCENARIO.durationMs : usageOf(() => parseDuration(duration), usage),
    store: str('store') ?? 'project'
  }
  if (out.store.length === 0) throw new UsageError('--store needs a value', usage)
  if (faults !== undefined) out.faults = usageOf(() => parseFaults(faults), usage)
  const features = str('features')
  if (features !== undefined) out.features = usageOf(() => parseFeatures(features), usage)
  const workload = str('workload')
  if (workload !== undefined) {
    if (workload.length === 0) throw new UsageError('--workload needs a value', usage)
    out.workload = workload
  }
  for (const [flag, field] of [['setup-timeout', 'setupTimeoutMs'], ['check-timeout', 'checkTimeoutMs']] as const) {
    const text = str(flag)
    if (text === undefined) continue
    if (out.workload === undefined) throw new UsageError(`--${flag} needs --workload (it limits the workload's ${flag.split('-')[0] as string})`, usage)
    out[field] = budgetArg(text, flag, 0, usage)
  }
  return out
}

/** Runs `fn`, turning any error it throws into a UsageError. */
export function usageOf<T> (fn: () => T, usage: string): T {
  try {
    return fn()
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), usage)
  }
}

/** Parses a duration: plain ms, or a number with ms, s, m or h. Throws a RangeError. */
export function parseDuration (text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (m === null) throw new RangeError(`bad duration ${JSON.stringify(text)}: use e.g. 600000, 600s, 10m`)
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h']
  const ms = Math.round(Number(m[1]) * unit)
  if (!Number.isSafeInteger(ms)) throw new RangeError(`duration too long: ${text}`)
  return ms
}

function parseFeatures (text: string): string[] {
  if (text === 'none') return []
  const names = text.split(',').map((k) => k.trim()).filter((k) => k.length > 0)
  for (const name of names) if (!isFeatureName(name)) throw new RangeError(`unknown feature ${name} (features: ${FEATURE_NAMES.join(', ')})`)
  return names
}

function parseFaults (text: string): FaultKind[] {
  if (text === 'none') return []
  const kinds = text.split(',').map((k) => k.trim()).filter((k) => k.length > 0)
  for (const kind of kinds) {
    if (!FAULT_KINDS.includes(kind as FaultKind)) throw new RangeError(`unknown fault kind ${kind} (kinds: ${FAULT_KINDS.join(', ')})`)
  }
  return kinds as FaultKind[]
}

/**
 * Parses the arguments after `run`. Throws a UsageError (one readable line) on bad
 * input; returns null when help was asked for.
 */
export function parseRunArgs (argv: readonly string[]): RunArgs | null {
  const { values } = parseFlags(argv, RUN_FLAGS, USAGE)
  if (values.help === true) return null
  return {
    ...scenarioArgs(values, USAGE),
    trace: (values.trace as string | undefined) ?? null,
    html: fileArg(values.html as string | undefined, 'html', USAGE),
    checkDeterminism: values['check-determinism'] === true,
    // After --html, as it always was: with two bad flags, the same one is reported.
    ...outputArgs(values, USAGE),
    save: fileArg(values.save as string | undefined, 'save', USAGE),
    known: knownArg(values.known as string | undefined, USAGE)
  }
}

/**
 * Checks, before any simulation starts, that the store named by `--store` can be
 * loaded from `fromDir`: a store package that is not installed is a one-line error
 * that says how to install it.
 */
export function checkStoreInstalled (store: string, fromDir: string = process.cwd()): void {
  if (store === 'project') return
  const pkg = store === 'upstream' ? UPSTREAM_PACKAGE : store
  try {
    createRequire(path.join(path.resolve(fromDir), 'noop.js')).resolve(pkg)
  } catch {
    const version = pkg === UPSTREAM_PACKAGE ? '@7' : ''
    throw new CliError('STORE_NOT_INSTALLED', `--store ${store}: the package ${pkg} is not installed in ${path.resolve(fromDir)}; install it with \`npm install --save-dev ${pkg}${version}\` (or use --store project)`)
  }
}

/**
 * Checks, before any simulation starts, that `--workload` names a workload that loads:
 * a built-in one whose package is installed, or a module that exports a workload.
 * Anything else is a one-line error (exit code 2).
 */
export function checkWorkloadLoads (workload: string | undefined): void {
  if (workload === undefined) return
  try {
    loadWorkload(workload)
  } catch (err) {
    if (err instanceof WorkloadError) throw new CliError(err.code, `--${err.message}`)
    throw err
  }
}
