import { fork } from 'child_process'
import path from 'path'
import type { ScenarioArgs } from './args'
import { runScenario, type RunProgress, type RunResult } from '../scenario/runner'

// A simulation runs in a child process: it replaces the process's timers, Date and
// Math.random, and nothing else (a progress bar's redraw timers included) may add
// events to its virtual clock. The parent draws the progress and prints results.

/** What a worker runs: resolved scenario arguments (parsed once, in the parent). */
export interface WorkerJob extends ScenarioArgs {
  trace: string | null
}

type WorkerMessage =
  | { type: 'progress', progress: RunProgress }
  | { type: 'result', result: RunResult }
  | { type: 'error', message: string }

/** The file a worker process starts from (the CLI entry). */
const ENTRY = path.join(__dirname, 'main.js')

/** Runs one simulation in a child process; resolves with its result. */
export function runInWorker (job: WorkerJob, onProgress: (p: RunProgress) => void): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = fork(ENTRY, ['worker', JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    let result: RunResult | null = null
    let failure: string | null = null
    child.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'progress') onProgress(msg.progress)
      else if (msg.type === 'result') result = msg.result
      else failure = msg.message
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (result !== null) resolve(result)
      else reject(new Error(failure ?? `simulation process ${signal === null ? `exited with code ${String(code)}` : `was killed by ${signal}`}`))
    })
  })
}

/** Worker side: runs the job given as JSON and reports over IPC. */
export async function worker (json: string | undefined): Promise<number> {
  const send = (msg: WorkerMessage): Promise<void> => new Promise((resolve) => {
    if (process.send === undefined) return resolve()
    process.send(msg, () => resolve())
  })
  let code = 0
  try {
    const job = JSON.parse(json ?? 'null') as WorkerJob
    let last = -1
    const result = await runScenario({
      seed: job.seed,
      peers: job.peers,
      cores: job.cores,
      steps: job.steps,
      durationMs: job.durationMs,
      store: job.store,
      ...(job.faults === undefined ? {} : { faults: job.faults }),
      ...(job.workload === undefined ? {} : { workload: job.workload }),
      trace: { file: job.trace },
      onProgress: (progress) => {
        // IPC is outside the simulated world; one message per step is plenty.
        if (progress.step === last && progress.phase === 'faults') return
        last = progress.step
        process.send?.({ type: 'progress', progress })
      }
    })
    await send({ type: 'result', result })
  } catch (err) {
    await send({ type: 'error', message: err instanceof Error ? err.message : String(err) })
    code = 2
  }
  process.disconnect?.()
  return code
}
