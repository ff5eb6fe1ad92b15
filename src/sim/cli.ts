#!/usr/bin/env node
import { fork } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import cliProgress from 'cli-progress'
import { USAGE, parseRunArgs, toArgv, type RunArgs } from './cli-args'
import { runScenario, type RunProgress, type RunResult } from './runner'
import { formatSummary, replayCommand, toJsonResult } from './summary'
import { firstDifference } from './trace'

// The simulation runs in a child process: it replaces the process's timers, Date and
// Math.random, and nothing else (a progress bar's redraw timers included) may add
// events to its virtual clock. The parent draws the progress bar and prints results.

type WorkerMessage =
  | { type: 'progress', progress: RunProgress }
  | { type: 'result', result: RunResult }
  | { type: 'error', message: string }

/** Runs one simulation in a child process; resolves with its result. */
function runInWorker (args: RunArgs, trace: string | null, onProgress: (p: RunProgress) => void): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const argv = ['worker', ...toArgv(args).slice(1), ...(trace === null ? [] : ['--trace', trace])]
    const child = fork(__filename, argv, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    let result: RunResult | null = null
    let failure: string | null = null
    child.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'progress') onProgress(msg.progress)
      else if (msg.type === 'result') result = msg.result
      else failure = msg.message
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      if (result !== null) resolve(result)
      else reject(new Error(failure ?? `simulation process exited with code ${String(code)}`))
    })
  })
}

/** Worker side: runs the scenario and reports over IPC. */
async function worker (argv: readonly string[]): Promise<void> {
  const send = (msg: WorkerMessage): Promise<void> => new Promise((resolve) => {
    if (process.send === undefined) return resolve()
    process.send(msg, () => resolve())
  })
  try {
    const args = parseRunArgs(argv)
    let last = -1
    const result = await runScenario({
      seed: args.seed,
      peers: args.peers,
      cores: args.cores,
      steps: args.steps,
      durationMs: args.durationMs,
      store: args.store,
      ...(args.faults === undefined ? {} : { faults: args.faults }),
      trace: { file: args.trace },
      onProgress: (progress) => {
        // IPC is outside the simulated world; one message per step is plenty.
        if (progress.step === last && progress.phase === 'faults') return
        last = progress.step
        process.send?.({ type: 'progress', progress })
      }
    })
    await send({ type: 'result', result })
  } catch (err) {
    await send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) })
    process.exitCode = 2
  }
  process.disconnect?.()
}

function progressBar (args: RunArgs): { update (p: RunProgress): void, stop (): void } {
  if (!args.progress || process.stderr.isTTY !== true) return { update: noop, stop: noop }
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'corestore-sim [{bar}] {value}/{total} steps | {phase} | {virtual}s virtual',
    hideCursor: true,
    clearOnComplete: true
  }, cliProgress.Presets.shades_classic)
  bar.start(args.steps, 0, { phase: 'setup', virtual: 0 })
  return {
    update: (p) => bar.update(p.step, { phase: p.phase, virtual: (p.virtualMs / 1000).toFixed(0) }),
    stop: () => bar.stop()
  }
}

async function run (argv: readonly string[]): Promise<number> {
  const args = parseRunArgs(argv)
  const replay = replayCommand({ ...args, ...(args.faults === undefined ? {} : { faults: args.faults }) })
  const bar = progressBar(args)
  let result: RunResult
  let differs = false
  try {
    if (args.checkDeterminism) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corestore-sim-det-'))
      try {
        const files = [path.join(dir, 'a.jsonl'), path.join(dir, 'b.jsonl')] as const
        const [a, b] = await Promise.all([runInWorker(args, files[0], bar.update), runInWorker(args, files[1], noop)])
        bar.stop()
        const diff = firstDifference(readLines(files[0]), readLines(files[1]))
        differs = diff !== null || a.traceHash !== b.traceHash
        if (diff === null) {
          console.log(`determinism: 2 processes, same trace (${a.traceHash})`)
        } else {
          console.log(`determinism: traces differ at line ${diff.line + 1}, virtual time ${diff.atMs} ms`)
          console.log(`  run 1: ${diff.a ?? '(end of trace)'}`)
          console.log(`  run 2: ${diff.b ?? '(end of trace)'}`)
        }
        if (args.trace !== null) fs.copyFileSync(files[0], args.trace)
        result = a
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    } else {
      result = await runInWorker(args, args.trace, bar.update)
    }
  } finally {
    bar.stop()
  }
  console.log(formatSummary(result, replay))
  if (differs && result.violations.length === 0) console.log(`\nreplay: ${replay} --check-determinism`)
  if (args.json) console.log(JSON.stringify(toJsonResult(result)))
  return result.violations.length > 0 || differs ? 1 : 0
}

function readLines (file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0)
}

function noop (): void {}

/** CLI entry: `corestore-sim run [options]`. Resolves with the exit code. */
export async function main (argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === 'worker') {
    await worker(rest)
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  }
  if (command !== 'run') {
    console.log(USAGE)
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2
  }
  try {
    return await run(rest)
  } catch (err) {
    console.error(`corestore-sim: ${err instanceof Error ? err.message : String(err)}`)
    if (err instanceof RangeError) console.error(USAGE)
    return 2
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: unknown) => {
    console.error(err)
    process.exitCode = 2
  })
}
