import path from 'path'
import type { InvariantName, Violation } from '../checks/invariants'
import type { StepResult } from '../scenario/steps'
import { generateScenario } from '../scenario/generator'
import { checkStoreInstalled } from './args'
import { FUZZ_USAGE, parseFuzzArgs, type FuzzArgs } from './fuzz-args'
import { candidateJob, candidateName, candidateSource, failureFileName, finishGuided } from './fuzz-guided'
import type { Candidate } from '../search/guided'
import type { Scenario } from '../scenario/generator'
import { fuzzStatus } from './fuzz-status'
import { checkPeersFit, checkWorkload, timeLimits } from './jobs'
import { WorkerPool } from './pool'
import { formatShrunk, shrinkFailure, type ShrunkFailure } from './shrink-failure'
import { CliError } from './usage'
import { judge } from './known'

/** A failing seed (or, with --guided, a failing scenario) of a campaign. */
export interface FuzzFailure {
  /** The seed, or the run seed of a failing guided scenario. */
  seed: number
  /** `seed 12`, or `mutant 40 (seed 7)` with --guided. */
  name: string
  /** The scenario, when it is not the seed's generated one (a guided mutant or corpus entry). */
  scenario: Scenario | null
  /** Replay file name (in --out). */
  fileName: string
  invariant: InvariantName
  violations: Violation[]
  stepResults: StepResult[]
  /** Real time from the campaign's start to this seed's verdict, in ms. */
  foundMs: number
  /** Its shrink and replay file, once made. */
  shrunk: ShrunkFailure | null
}

/** A seed whose violations a known bug explains, every one: it does not fail. */
export interface KnownSeed {
  seed: number
  /** Ids of the known bugs its violations matched, in order of first match. */
  bugs: string[]
}

/** What a campaign did. */
export interface FuzzReport {
  seeds: number
  failures: FuzzFailure[]
  /** Seeds with known violations only (with --known). */
  known: KnownSeed[]
  /** Real time spent running seeds (shrinking excluded), in ms. */
  fuzzMs: number
  realMs: number
  interrupted: boolean
  /** With --guided: what the search did, one line. */
  guided: string | null
}

/** `corestore-sim fuzz`: many seeds in parallel processes; resolves with the exit code. */
export async function fuzzCommand (argv: readonly string[]): Promise<number> {
  const args = parseFuzzArgs(argv)
  if (args === null) {
    console.log(FUZZ_USAGE)
    return 0
  }
  checkStoreInstalled(args.scenario.store)
  checkWorkload(args.workload)
  checkPeersFit(args.scenario.peers)
  const pool = new WorkerPool({ size: args.jobs, captureOutput: true })
  let report: FuzzReport
  try {
    report = await campaign(args, pool)
  } finally {
    await pool.close()
  }
  // A shrink already said how much the apps printed; a campaign without one says it here.
  const noise = report.failures.some((f) => f.shrunk !== null) ? null : pool.output.summary('simulation processes')
  if (noise !== null) process.stderr.write(`${noise}\n`)
  for (const line of summary(args, report)) console.log(line)
  if (args.json) console.log(JSON.stringify({ ...jsonReport(report), ...(args.known === null ? {} : { known: report.known }) }))
  if (report.failures.length > 0) return 1
  return report.interrupted ? 130 : 0
}

async function campaign (args: FuzzArgs, pool: WorkerPool): Promise<FuzzReport> {
  const started = performance.now()
  const elapsed = (): number => performance.now() - started
  const source = candidateSource(args)
  const failures: FuzzFailure[] = []
  const known: KnownSeed[] = []
  let done = 0
  let stop = false
  let interrupted = false
  const errors: Error[] = []
  const status = fuzzStatus({ enabled: args.progress, timeMs: args.timeMs, jobs: args.jobs, shard: args.shard })
  const onSigint = (): void => {
    interrupted = true
    stop = true
    status.note('interrupted: finishing the running seeds (Ctrl-C again to quit now)')
    process.once('SIGINT', () => process.exit(130))
  }
  process.once('SIGINT', onSigint)

  const lane = async (): Promise<void> => {
    while (!stop && (args.timeMs === null || elapsed() < args.timeMs)) {
      const c: Candidate | null = source.next()
      if (c === null) return
      const seed = c.origin === 'seed' ? c.seed : c.scenario.seed
      const name = candidateName(c)
      try {
        const result = await pool.run(candidateJob(args, c))
        done++
        source.done(c, result)
        // Violations a known bug explains do not fail the seed; the others are shrunk.
        const verdict = judge(result.violations, args.known, args.scenario.store, result.faults)
        const first = verdict.unknown[0]
        if (first === undefined && verdict.known > 0) {
          known.push({ seed, bugs: [...new Set(verdict.marked.map((v) => v.known).filter((id) => id !== undefined))] })
        }
        if (first !== undefined) {
          failures.push({ seed, name, scenario: c.origin === 'seed' ? null : c.scenario, fileName: failureFileName(c, first.invariant), invariant: first.invariant, violations: verdict.unknown, stepResults: result.stepResults, foundMs: elapsed(), shrunk: null })
          status.note(`${name}: ${first.invariant} after ${(elapsed() / 1000).toFixed(1)} s`)
          if (!args.keepGoing) stop = true
        }
      } catch (err) {
        // Ctrl-C reaches the simulation processes too: their deaths are not failures.
        if (interrupted) return
        errors.push(new Error(`${name}: ${err instanceof Error ? err.message : String(err)}`))
        stop = true
      }
      status.update({ seeds: done, failures: failures.length, elapsedMs: elapsed() })
    }
  }
  try {
    await Promise.all(Array.from({ length: args.jobs }, lane))
  } finally {
    process.removeListener('SIGINT', onSigint)
    status.stop()
  }
  const error = errors[0]
  if (error !== undefined) throw new CliError('SIM_ERROR', `fuzz: ${error.message} (after ${done} seeds)`)
  const fuzzMs = elapsed()
  failures.sort((a, b) => a.seed - b.seed)
  known.sort((a, b) => a.seed - b.seed)
  const guided = source.guided === null ? null : finishGuided(args, source.guided)
  if (!interrupted) await shrinkFailures(args, pool, failures)
  return { seeds: done, failures, known, fuzzMs, realMs: elapsed(), interrupted, guided }
}

/**
 * Shrinks the first failure and saves its replay file. With --keep-going, every
 * failure gets a replay file, and the first of each invariant is shrunk. Without it,
 * seeds that were running when the first failure came in and failed too are listed only.
 */
async function shrinkFailures (args: FuzzArgs, pool: WorkerPool, failures: FuzzFailure[]): Promise<void> {
  const shrunkInvariants = new Set<InvariantName>()
  for (const f of args.keepGoing ? failures : failures.slice(0, 1)) {
    const shrink = args.shrink && !shrunkInvariants.has(f.invariant)
    shrunkInvariants.add(f.invariant)
    f.shrunk = await shrinkFailure({
      scenario: f.scenario ?? generateScenario({ ...args.scenario, seed: f.seed }),
      store: args.scenario.store,
      options: timeLimits(args.scenario),
      workload: args.workload,
      violations: f.violations,
      stepResults: f.stepResults,
      pool,
      budgetMs: args.shrinkTimeMs,
      noShrink: !shrink,
      save: path.join(args.out, f.fileName),
      note: `corestore-sim fuzz${args.guided ? ' --guided' : ''}: ${f.name}`,
      log: (line) => process.stderr.write(`${f.name}: ${line}\n`)
    })
  }
}

function rate (r: FuzzReport): number {
  return r.fuzzMs > 0 ? Math.round((r.seeds / (r.fuzzMs / 1000)) * 100) / 100 : 0
}

function summary (args: FuzzArgs, r: FuzzReport): string[] {
  const space = `seeds ${args.first}..${args.last}${args.shard.count > 1 ? `, shard ${args.shard.index}/${args.shard.count}` : ''}`
  const knownText = args.known === null ? '' : `, ${r.known.length} with known bugs only`
  const lines = [`fuzz: ${r.seeds} ${args.guided ? 'runs' : 'seeds'} (${space}) in ${(r.fuzzMs / 1000).toFixed(1)} s with ${args.jobs} processes: ${rate(r)} seeds/s, ${r.failures.length} failing${knownText}${r.interrupted ? ' (interrupted)' : ''}`]
  if (r.guided !== null) lines.push(r.guided)
  for (const k of r.known) lines.push(`seed ${k.seed}: known: ${k.bugs.join(', ')}`)
  for (const f of r.failures) {
    lines.push('')
    lines.push(`${f.name}: ${f.invariant} (found after ${(f.foundMs / 1000).toFixed(1)} s)`)
    if (f.shrunk !== null) lines.push(...formatShrunk(f.shrunk).map((l) => `  ${l}`))
  }
  return lines
}

/** The `--json` line: seeds, failures (seed, invariant, shrunk steps, ...), seedsPerSecond, realMs. */
export function jsonReport (r: FuzzReport): Record<string, unknown> {
  return {
    seeds: r.seeds,
    failures: r.failures.map((f) => ({
      seed: f.seed,
      name: f.name,
      invariant: f.invariant,
      steps: f.shrunk?.scenario.steps.length ?? null,
      peers: f.shrunk?.scenario.peers ?? null,
      cores: f.shrunk?.scenario.cores.length ?? null,
      shrunk: f.shrunk !== null && f.shrunk.runs > 0,
      foundMs: Math.round(f.foundMs),
      shrinkMs: f.shrunk === null ? null : Math.round(f.shrunk.realMs),
      replayFile: f.shrunk?.replayFile ?? null,
      traceFile: f.shrunk?.traceFile ?? null
    })),
    seedsPerSecond: rate(r),
    realMs: Math.round(r.realMs),
    fuzzMs: Math.round(r.fuzzMs),
    interrupted: r.interrupted,
    ...(r.guided === null ? {} : { guided: r.guided })
  }
}
