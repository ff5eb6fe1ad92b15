import fs from 'fs'
import os from 'os'
import path from 'path'
import { checkStoreInstalled, checkWorkloadLoads, parseRunArgs, USAGE, type RunArgs } from './args'
import { progressBar } from './progress'
import { checkWritable, writeTraceReport } from './report'
import { runInWorker } from './worker'
import type { RunResult } from '../scenario/runner'
import { formatSummary, replayCommand, toJsonResult } from '../trace/summary'
import { firstDifference } from '../trace/trace'

/** `corestore-sim run`: one scenario, its summary, and the line that replays it. Resolves with the exit code. */
export async function runCommand (argv: readonly string[]): Promise<number> {
  const args = parseRunArgs(argv)
  if (args === null) {
    console.log(USAGE)
    return 0
  }
  checkStoreInstalled(args.store)
  if (args.html !== null) checkWritable(args.html)
  checkWorkloadLoads(args.workload)
  const replay = replayCommand(args)
  // The report is drawn from the trace: without --trace, one in a temporary folder.
  const tmp = args.html !== null && args.trace === null ? fs.mkdtempSync(path.join(os.tmpdir(), 'corestore-sim-html-')) : null
  const traced: RunArgs = tmp === null ? args : { ...args, trace: path.join(tmp, 'trace.jsonl') }
  const bar = progressBar(args.progress, args.steps)
  let result: RunResult
  let differs = false
  try {
    try {
      if (args.checkDeterminism) {
        const twice = await runTwice(traced, bar.update)
        result = twice.result
        differs = twice.differs
      } else {
        result = await runInWorker({ ...scenarioOf(traced), trace: traced.trace }, bar.update)
      }
    } finally {
      bar.stop()
    }
    console.log(formatSummary(result, replay))
    if (differs && result.violations.length === 0) console.log(`\nreplay: ${replay} --check-determinism`)
    if (traced.html !== null && traced.trace !== null) {
      const written = await writeTraceReport(traced.trace, traced.html, { replay })
      console.log(`\nreport: ${traced.html} (${Math.round(written.bytes / 1024)} kB)`)
    }
  } finally {
    if (tmp !== null) fs.rmSync(tmp, { recursive: true, force: true })
  }
  if (args.json) console.log(JSON.stringify(toJsonResult(result)))
  return result.violations.length > 0 || differs ? 1 : 0
}

function scenarioOf (args: RunArgs): Omit<RunArgs, 'trace' | 'html' | 'json' | 'checkDeterminism' | 'progress'> {
  const { trace: _trace, html: _html, json: _json, checkDeterminism: _check, progress: _progress, ...scenario } = args
  return scenario
}

/** Runs the seed in two processes at once and compares their traces line by line. */
async function runTwice (args: RunArgs, onProgress: Parameters<typeof runInWorker>[1]): Promise<{ result: RunResult, differs: boolean }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corestore-sim-det-'))
  try {
    const files = [path.join(dir, 'a.jsonl'), path.join(dir, 'b.jsonl')] as const
    const [a, b] = await Promise.all([
      runInWorker({ ...scenarioOf(args), trace: files[0] }, onProgress),
      runInWorker({ ...scenarioOf(args), trace: files[1] }, () => {})
    ])
    const diff = firstDifference(readLines(files[0]), readLines(files[1]))
    const differs = diff !== null || a.traceHash !== b.traceHash
    if (diff === null) {
      console.log(`determinism: 2 processes, same trace (${a.traceHash})`)
    } else {
      console.log(`determinism: traces differ at line ${diff.line + 1}, virtual time ${diff.atMs} ms`)
      console.log(`  run 1: ${diff.a ?? '(end of trace)'}`)
      console.log(`  run 2: ${diff.b ?? '(end of trace)'}`)
    }
    if (args.trace !== null) fs.copyFileSync(files[0], args.trace)
    return { result: a, differs }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

function readLines (file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0)
}
