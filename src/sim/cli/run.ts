import fs from 'fs'
import os from 'os'
import path from 'path'
import { checkStoreInstalled, checkWorkloadLoads, parseRunArgs, USAGE, type RunArgs } from './args'
import { progressBar } from './progress'
import { checkWritable, writeTraceReport } from './report'
import { runInWorker } from './worker'
import { checkPeersFit, timeLimits, type SeedJob } from './jobs'
import { WorkerPool } from './pool'
import { formatShrunk, shrinkFailure, type ShrunkFailure } from './shrink-failure'
import { generateScenario } from '../scenario/generator'
import type { RunResult } from '../scenario/runner'
import { formatSummary, replayCommand, toJsonResult } from '../trace/summary'
import { findDivergence, formatDivergence, parseStacks } from '../trace/divergence'
import { judge } from './known'

/**
 * `corestore-sim run`: one scenario, its summary, and the line that replays it; a
 * failure is shrunk (unless `--no-shrink`) and saved as a replay file; `--html` draws
 * the run (and the shrunk failure) as a page. Resolves with the exit code.
 */
export async function runCommand (argv: readonly string[]): Promise<number> {
  const args = parseRunArgs(argv)
  if (args === null) {
    console.log(USAGE)
    return 0
  }
  checkStoreInstalled(args.store)
  checkPeersFit(args.peers)
  checkWorkloadLoads(args.workload)
  if (args.html !== null) checkWritable(args.html)
  const replay = replayCommand(args)
  // The report is drawn from the trace: without --trace, one in a temporary folder.
  const tmp = args.html !== null && args.trace === null ? fs.mkdtempSync(path.join(os.tmpdir(), 'corestore-sim-html-')) : null
  const traced: RunArgs = tmp === null ? args : { ...args, trace: path.join(tmp, 'trace.jsonl') }
  const bar = progressBar(args.progress, args.steps)
  let result: RunResult
  let verdict: ReturnType<typeof judge>
  let differs = false
  try {
    try {
      if (args.checkDeterminism) {
        const twice = await runTwice(traced, bar.update)
        result = twice.result
        differs = twice.differs
      } else {
        result = await runInWorker(seedJob(traced, traced.trace), bar.update)
      }
    } finally {
      bar.stop()
    }
    verdict = judge(result.violations, args.known, args.store, result.faults)
    console.log(formatSummary(result, replay, args.known === null ? undefined : verdict.marked))
    if (differs && result.violations.length === 0) console.log(`\nreplay: ${replay} --check-determinism`)
    if (traced.html !== null && traced.trace !== null) await report(traced.trace, traced.html, { replay })
  } finally {
    if (tmp !== null) fs.rmSync(tmp, { recursive: true, force: true })
  }
  // Only violations no known bug explains fail the run, and only they are shrunk.
  let shrunk: ShrunkFailure | null = null
  if (verdict.unknown.length > 0 && (args.shrink || args.save !== null)) {
    shrunk = await shrink(args, { ...result, violations: verdict.unknown })
    console.log('')
    for (const line of formatShrunk(shrunk)) console.log(line)
    if (args.html !== null) {
      await report(shrunk.traceFile, shrunkPage(args.html), {
        replay: `npx corestore-sim replay ${shrunk.replayFile}`,
        note: `shrunk from ${shrunk.original.steps} to ${shrunk.scenario.steps.length} steps`,
        title: `corestore-sim run, seed ${args.seed}, shrunk failure`
      })
    }
  }
  if (args.json) console.log(JSON.stringify({ ...toJsonResult({ ...result, violations: verdict.marked }), ...(shrunk === null ? {} : { shrunk: shrunkJson(shrunk) }) }))
  return verdict.unknown.length > 0 || differs ? 1 : 0
}

async function report (trace: string, out: string, meta: Parameters<typeof writeTraceReport>[2]): Promise<void> {
  const written = await writeTraceReport(trace, out, meta)
  console.log(`\nreport: ${out} (${Math.round(written.bytes / 1024)} kB)`)
}

/** Where the report of the shrunk failure goes: beside the run's, `-shrunk` before the extension. */
export function shrunkPage (html: string): string {
  const ext = path.extname(html)
  return `${html.slice(0, html.length - ext.length)}-shrunk${ext === '' ? '.html' : ext}`
}

/** Shrinks the failing run in as many processes as there are cores, and saves its replay file. */
async function shrink (args: RunArgs, result: RunResult): Promise<ShrunkFailure> {
  const pool = new WorkerPool({ size: args.shrink ? os.availableParallelism() : 1, captureOutput: true })
  try {
    const job = seedJob(args, null)
    return await shrinkFailure({
      scenario: generateScenario({ ...job.args, ...(job.workload === null ? {} : { workload: job.workload }) }),
      store: args.store,
      options: timeLimits(args),
      workload: job.workload,
      violations: result.violations,
      stepResults: result.stepResults,
      pool,
      budgetMs: args.shrinkTimeMs,
      noShrink: !args.shrink,
      save: args.save,
      note: `corestore-sim run --seed ${args.seed}`,
      log: (line) => process.stderr.write(`${line}\n`)
    })
  } finally {
    await pool.close()
  }
}

/** The `shrunk` field of `--json`. */
export function shrunkJson (s: ShrunkFailure): Record<string, unknown> {
  return {
    invariant: s.failure.invariant,
    steps: s.scenario.steps.length,
    peers: s.scenario.peers,
    cores: s.scenario.cores.length,
    runs: s.runs,
    realMs: Math.round(s.realMs),
    outOfTime: s.outOfTime,
    reproduced: s.reproduced,
    replayFile: s.replayFile,
    traceFile: s.traceFile
  }
}

function seedJob (args: RunArgs, trace: string | null): SeedJob {
  const { seed, peers, cores, steps, durationMs, faults, features, store, workload } = args
  return { kind: 'seed', args: { seed, peers, cores, steps, durationMs, store, ...(faults === undefined ? {} : { faults }), ...(features === undefined ? {} : { features }), ...timeLimits(args) }, workload: workload ?? null, trace }
}

/** Runs the seed in two processes at once and compares their traces line by line. */
async function runTwice (args: RunArgs, onProgress: Parameters<typeof runInWorker>[1]): Promise<{ result: RunResult, differs: boolean }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corestore-sim-det-'))
  try {
    const files = [path.join(dir, 'a.jsonl'), path.join(dir, 'b.jsonl')] as const
    // Both runs record the stack of every line, so a difference says why (costly, so only here).
    const stacks = [path.join(dir, 'a.stacks'), path.join(dir, 'b.stacks')] as const
    const [a, b] = await Promise.all([
      runInWorker({ ...seedJob(args, files[0]), stacks: stacks[0] }, onProgress),
      runInWorker({ ...seedJob(args, files[1]), stacks: stacks[1] }, () => {})
    ])
    const side = (i: 0 | 1): Parameters<typeof findDivergence>[0] => ({ lines: readLines(files[i]), stacks: parseStacks(readText(stacks[i])) })
    const diff = findDivergence(side(0), side(1))
    const differs = diff !== null || a.traceHash !== b.traceHash
    if (diff === null) console.log(`determinism: 2 processes, same trace (${a.traceHash})`)
    else for (const line of formatDivergence(diff)) console.log(line)
    if (args.trace !== null) fs.copyFileSync(files[0], args.trace)
    return { result: a, differs }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

function readText (file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
}

function readLines (file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0)
}
