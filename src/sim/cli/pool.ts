import type { ChildProcess } from 'child_process'
import type { SimJob } from './jobs'
import type { RunResult } from '../scenario/runner'
import { exitReason, spawnWorker, type JobMessage, type SpawnOptions, type WorkerMessage } from './worker'
import { OutputTally } from './output-tally'

/** Options of `new WorkerPool()`. */
export interface WorkerPoolOptions extends SpawnOptions {
  /** Simulation processes. Default 1. */
  size?: number
  /**
   * Jobs a process runs before it is replaced (memory a store may keep between runs
   * is given back). Default 200.
   */
  jobsPerProcess?: number
}

interface Pending {
  id: number
  job: SimJob
  resolve: (result: RunResult) => void
  reject: (err: Error) => void
}

interface Slot {
  child: ChildProcess
  busy: Pending | null
  jobs: number
}

/**
 * Long-lived simulation processes that run jobs one at a time each. Starting node,
 * loading the store and warming the JIT cost more than a small run does, so fuzzing
 * and shrinking reuse processes; every job starts from a fresh simulation (its own
 * folder, clock, generators and globals), so a seed's trace does not depend on what
 * the process ran before (test/integration/sim-fuzz.test.ts checks it).
 */
export class WorkerPool {
  /** Processes in the pool. */
  readonly size: number
  private readonly slots: Array<Slot | null>
  private readonly queue: Pending[] = []
  private readonly opts: SpawnOptions
  private readonly jobsPerProcess: number
  private nextId = 1
  private closed = false
  /** What the processes printed, with `captureOutput` (empty otherwise). */
  readonly output = new OutputTally()

  constructor (opts: WorkerPoolOptions = {}) {
    const size = opts.size ?? 1
    if (!Number.isInteger(size) || size < 1) throw new RangeError('size must be a positive integer')
    const jobsPerProcess = opts.jobsPerProcess ?? 200
    if (!Number.isInteger(jobsPerProcess) || jobsPerProcess < 1) throw new RangeError('jobsPerProcess must be a positive integer')
    this.size = size
    this.jobsPerProcess = jobsPerProcess
    this.slots = new Array<Slot | null>(size).fill(null)
    this.opts = {
      ...(opts.execArgv === undefined ? {} : { execArgv: opts.execArgv }),
      ...(opts.env === undefined ? {} : { env: opts.env }),
      ...(opts.captureOutput === true ? { captureOutput: true } : {})
    }
  }

  /** Jobs waiting for a free process. */
  get waiting (): number {
    return this.queue.length
  }

  /** Jobs running now. */
  get running (): number {
    return this.slots.filter((s) => s?.busy != null).length
  }

  /** Runs a job in the first free process; rejects if the process fails or dies. */
  run (job: SimJob): Promise<RunResult> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'))
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, resolve, reject })
      this.dispatch()
    })
  }

  /** Stops every process (running jobs are rejected); waits until they have exited. */
  async close (): Promise<void> {
    this.closed = true
    for (const p of this.queue.splice(0)) p.reject(new Error('the worker pool is closed'))
    const exits: Array<Promise<void>> = []
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i]
      if (slot === null || slot === undefined) continue
      this.slots[i] = null
      exits.push(stop(slot.child))
      slot.busy?.reject(new Error('the worker pool is closed'))
    }
    await Promise.all(exits)
  }

  private dispatch (): void {
    for (let i = 0; i < this.slots.length && this.queue.length > 0; i++) {
      let slot = this.slots[i] ?? null
      if (slot !== null && slot.busy !== null) continue
      if (slot === null) slot = this.start(i)
      const pending = this.queue.shift() as Pending
      slot.busy = pending
      slot.jobs++
      const msg: JobMessage = { type: 'job', id: pending.id, job: pending.job }
      slot.child.send(msg)
    }
  }

  private start (i: number): Slot {
    const child = spawnWorker(['--serve'], this.opts)
    const slot: Slot = { child, busy: null, jobs: 0 }
    this.output.watch(child)
    this.slots[i] = slot
    child.on('message', (msg: WorkerMessage) => {
      const pending = slot.busy
      if (msg.type === 'progress' || pending === null || msg.id !== pending.id) return
      slot.busy = null
      if (msg.type === 'result') pending.resolve(msg.result)
      else pending.reject(new Error(msg.message))
      const retire = slot.jobs >= this.jobsPerProcess || (msg.type === 'error' && msg.fatal === true)
      if (retire && this.slots[i] === slot) {
        this.slots[i] = null
        void stop(child)
      }
      this.dispatch()
    })
    const died = (why: string): void => {
      if (this.slots[i] === slot) this.slots[i] = null
      const pending = slot.busy
      slot.busy = null
      pending?.reject(new Error(why))
      if (!this.closed) this.dispatch()
    }
    child.on('error', (err) => died(err.message))
    child.on('exit', (code, signal) => died(exitReason(code, signal)))
    return slot
  }
}

/** Disconnects a child (it finishes and exits) and kills it if it has not exited soon after. */
function stop (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    if (child.connected) child.disconnect()
    child.kill('SIGTERM')
  })
}
