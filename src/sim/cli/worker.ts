import { fork, type ChildProcess } from 'child_process'
import path from 'path'
import { runJob, type SimJob } from './jobs'
import type { RunProgress, RunResult } from '../scenario/runner'

// A simulation runs in a child process: it replaces the process's timers, Date and
// Math.random, and nothing else (a progress bar's redraw timers included) may add
// events to its virtual clock. The parent draws the progress and prints results.

/** What a worker runs (see jobs.ts). Kept as an alias: `runInWorker` took it first. */
export type WorkerJob = SimJob

/** Messages from a simulation process to its parent. */
export type WorkerMessage =
  | { type: 'progress', progress: RunProgress }
  | { type: 'result', id: number, result: RunResult }
  /** `fatal`: the process cannot run another job (a stalled run left its simulation installed). */
  | { type: 'error', id: number, message: string, fatal?: boolean }

/** Messages from the parent to a serving simulation process. */
export interface JobMessage {
  type: 'job'
  id: number
  job: SimJob
}

/** The file a worker process starts from (the CLI entry). */
const ENTRY = path.join(__dirname, 'main.js')

/** How simulation processes are started. */
export interface SpawnOptions {
  /** Node flags of the child. Default: this process's (`--require` preloads included). */
  execArgv?: string[]
  /** Environment of the child. Default: this process's. */
  env?: NodeJS.ProcessEnv
  /**
   * Keep what the child prints (apps log, Autobase prints assertion stacks) instead of
   * passing it to our stderr: the caller reads it from the child's stdout and stderr
   * pipes (see OutputTally). Default false.
   */
  captureOutput?: boolean
}

/** Starts a simulation process: `worker JOB` runs one job, `worker --serve` runs jobs sent over IPC. */
export function spawnWorker (args: string[], opts: SpawnOptions = {}): ChildProcess {
  // The child's stdout goes to our stderr: stdout is for results (`--json` lines) only.
  return fork(ENTRY, ['worker', ...args], {
    stdio: opts.captureOutput === true ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 2, 'inherit', 'ipc'],
    ...(opts.execArgv === undefined ? {} : { execArgv: opts.execArgv }),
    ...(opts.env === undefined ? {} : { env: opts.env })
  })
}

/** Why a simulation process ended without a result. */
export function exitReason (code: number | null, signal: NodeJS.Signals | null): string {
  return `simulation process ${signal === null ? `exited with code ${String(code)}` : `was killed by ${signal}`}`
}

/** Runs one simulation in a fresh child process; resolves with its result. */
export function runInWorker (job: SimJob, onProgress: (p: RunProgress) => void, opts: SpawnOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnWorker([JSON.stringify(job)], opts)
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
      else reject(new Error(failure ?? exitReason(code, signal)))
    })
  })
}

function send (msg: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) return resolve()
    process.send(msg, () => resolve())
  })
}

/** A run that stalled (see unlessStalled): the simulation it left installed cannot be reused. */
export class SimulationStalled extends Error {
  /** Stable code for callers. */
  readonly code = 'SIM_STALLED'
}

/**
 * Runs `work`, failing it if the process runs out of things to do first. A run whose
 * promise nothing can resolve (no timer, immediate, file or storage request left) would
 * otherwise wait for ever at zero CPU: the IPC channel keeps a worker alive. While the job
 * runs, the channel no longer counts, so an empty event loop fires `beforeExit`, and that
 * is turned into an error naming the virtual time reached.
 */
export async function unlessStalled<T> (work: () => Promise<T>): Promise<T> {
  const channel = (process as { channel?: { ref (): void, unref (): void } }).channel
  let onStall: (() => void) | null = null
  const stalled = new Promise<never>((_resolve, reject) => {
    onStall = () => {
      // Date is the simulation's virtual clock while it runs (fake timers are installed).
      reject(new SimulationStalled(`the simulation stalled: nothing was left to run before the run ended (virtual clock at ${new Date(Date.now()).toISOString()}); a promise the simulator awaits can never settle`))
    }
    process.once('beforeExit', onStall)
  })
  channel?.unref()
  try {
    return await Promise.race([work(), stalled])
  } finally {
    if (onStall !== null) process.removeListener('beforeExit', onStall)
    channel?.ref()
  }
}

function messageOf (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * Worker side. `worker JOB` runs the job given as JSON and reports over IPC (progress,
 * then the result). `worker --serve` runs jobs sent over IPC one at a time until the
 * parent disconnects: one process, warmed up once, runs many seeds.
 */
export async function worker (arg: string | undefined): Promise<number> {
  if (arg === '--serve') return serve()
  let code = 0
  try {
    const job = JSON.parse(arg ?? 'null') as SimJob
    let last = -1
    const result = await unlessStalled(() => runJob(job, (progress) => {
      // IPC is outside the simulated world; one message per step is plenty.
      if (progress.step === last && progress.phase === 'faults') return
      last = progress.step
      process.send?.({ type: 'progress', progress })
    }))
    await send({ type: 'result', id: 0, result })
  } catch (err) {
    await send({ type: 'error', id: 0, message: messageOf(err) })
    code = 2
  }
  process.disconnect?.()
  return code
}

function serve (): Promise<number> {
  // The parent decides when a pooled process stops (Ctrl-C lets running seeds finish).
  process.on('SIGINT', () => {})
  return new Promise((resolve) => {
    let queue = Promise.resolve()
    process.on('message', (msg: JobMessage) => {
      if (msg?.type !== 'job') return
      // One simulation per process at a time: jobs run in arrival order.
      queue = queue.then(async () => {
        try {
          await send({ type: 'result', id: msg.id, result: await unlessStalled(() => runJob(msg.job)) })
        } catch (err) {
          await send({ type: 'error', id: msg.id, message: messageOf(err), ...(err instanceof SimulationStalled ? { fatal: true } : {}) })
          // The stalled run never reached its cleanup: its clock, timers and random routes
          // are still installed, so this process cannot run another job. The pool starts
          // a new one.
          if (err instanceof SimulationStalled) process.exit(2)
        }
      })
    })
    process.once('disconnect', () => { queue.then(() => resolve(0), () => resolve(0)) })
  })
}
