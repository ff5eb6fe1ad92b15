import { randomInt } from 'crypto'
import { checkSeed } from './prng'
import { FAULT_KINDS, type FaultKind } from './scenario'
import { DEFAULT_SCENARIO } from './step-generator'

/** Parsed `corestore-sim run` arguments. */
export interface RunArgs {
  seed: number
  peers: number
  cores: number
  steps: number
  durationMs: number
  /** Given fault kinds; undefined: drawn from the seed. */
  faults?: FaultKind[]
  store: string
  trace: string | null
  json: boolean
  checkDeterminism: boolean
  progress: boolean
}

/** Usage text. */
export const USAGE = `usage: corestore-sim run [options]

  --seed N               seed of the run (default: random, printed)
  --peers N              peers (default ${DEFAULT_SCENARIO.peers})
  --cores N              cores (default ${DEFAULT_SCENARIO.cores})
  --steps N              steps of the fault phase (default ${DEFAULT_SCENARIO.steps})
  --duration T           virtual duration of the fault phase: 600000, 600s, 10m, 1h (default 10m)
  --faults a,b|none      fault kinds (${FAULT_KINDS.join(', ')}); default: drawn from the seed
  --store S              project | upstream | <package name> (default project)
  --trace FILE           write the JSONL trace to FILE
  --json                 end stdout with one JSON object
  --check-determinism    run the seed in two processes and compare their traces
  --no-progress          no progress bar on stderr

Exit code 1 when an invariant was violated (or runs differ), 2 on a usage or run error.`

/** Parses a duration: plain ms, or a number with ms, s, m or h. */
export function parseDuration (text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (m === null) throw new RangeError(`bad duration ${JSON.stringify(text)}: use e.g. 600000, 600s, 10m`)
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h']
  const ms = Math.round(Number(m[1]) * unit)
  if (!Number.isSafeInteger(ms)) throw new RangeError(`duration too long: ${text}`)
  return ms
}

/** Parses the arguments after `run`. Throws a RangeError with a readable message on bad input. */
export function parseRunArgs (argv: readonly string[]): RunArgs {
  const args: RunArgs = {
    seed: randomInt(0, 2 ** 32),
    peers: DEFAULT_SCENARIO.peers,
    cores: DEFAULT_SCENARIO.cores,
    steps: DEFAULT_SCENARIO.steps,
    durationMs: DEFAULT_SCENARIO.durationMs,
    store: 'project',
    trace: null,
    json: false,
    checkDeterminism: false,
    progress: true
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new RangeError(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case '--seed': args.seed = checkSeed(integer(value(), flag), '--seed'); break
      case '--peers': args.peers = integer(value(), flag); break
      case '--cores': args.cores = integer(value(), flag); break
      case '--steps': args.steps = integer(value(), flag); break
      case '--duration': args.durationMs = parseDuration(value()); break
      case '--faults': args.faults = parseFaults(value()); break
      case '--store': args.store = value(); break
      case '--trace': args.trace = value(); break
      case '--json': args.json = true; break
      case '--check-determinism': args.checkDeterminism = true; break
      case '--no-progress': args.progress = false; break
      default: throw new RangeError(`unknown option ${flag}`)
    }
  }
  return args
}

function integer (text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new RangeError(`${flag} must be a non-negative integer, got ${text}`)
  return Number(text)
}

function parseFaults (text: string): FaultKind[] {
  if (text === 'none') return []
  const kinds = text.split(',').map((k) => k.trim()).filter((k) => k.length > 0)
  for (const kind of kinds) {
    if (!FAULT_KINDS.includes(kind as FaultKind)) throw new RangeError(`unknown fault kind ${kind} (kinds: ${FAULT_KINDS.join(', ')})`)
  }
  return kinds as FaultKind[]
}

/** The arguments that reproduce a parsed run (for child processes). */
export function toArgv (a: RunArgs): string[] {
  const out = ['run', '--seed', String(a.seed), '--peers', String(a.peers), '--cores', String(a.cores), '--steps', String(a.steps), '--duration', `${a.durationMs}ms`, '--store', a.store]
  if (a.faults !== undefined) out.push('--faults', a.faults.length === 0 ? 'none' : a.faults.join(','))
  return out
}
