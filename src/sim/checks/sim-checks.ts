import type { SimContext } from '../context'
import { checkClosed, checkSessions, type CheckContext, type CheckResult } from './invariants'
import { GcRacer } from './gc-racer'
import { LivenessChecks } from './liveness'
import type { Prng } from '../random/prng'
import type { WorkloadHost } from '../workloads/host'

/** What the simulation's checks need of it. */
export interface SimChecksDeps extends Pick<SimContext, 'options' | 'peers' | 'catalog' | 'scheduler' | 'trace' | 'log' | 'disks' | 'step'> {
  /** The application running on the peers, or null: its invariants run after each step. */
  readonly workload: Pick<WorkloadHost, 'error' | 'checkInvariants'> | null
}

/**
 * The checks of a running simulation, in one place: the ones after every step (the
 * model's sessions, liveness, hung GC races, uncaught errors, the app's invariants),
 * GC liveness at the end of the cool-down, and the close audit at the end of the run.
 * Every result is also added to the log.
 */
export class SimChecks {
  /** Races GC closes with gets (see `gcRace`). */
  readonly racer: GcRacer
  /** One core per key, nothing open after close, GC liveness. */
  readonly liveness: LivenessChecks
  private readonly deps: SimChecksDeps

  /** Attaches the GC racer (seeded by `prng`) and the liveness checks to every peer. */
  constructor (deps: SimChecksDeps, prng: Prng) {
    this.deps = deps
    this.racer = new GcRacer(deps, prng, deps.options.gcRace)
    this.racer.attach()
    this.liveness = new LivenessChecks(deps)
    this.liveness.attach()
  }

  /** Where the invariants are checked now (peers, cores, virtual time, step). */
  context (): CheckContext {
    const { peers, catalog, scheduler, step } = this.deps
    return { peers, catalog, atMs: scheduler.clock.elapsedMs, step }
  }

  /**
   * The checks after every step. Throws the workload's error if it broke where nobody
   * could throw (a restart's setup in a timer): the run stops here.
   */
  afterStep (): CheckResult {
    const { scheduler, log, workload, step } = this.deps
    const atMs = scheduler.clock.elapsedMs
    const result = checkSessions(this.context())
    const live = this.liveness.check()
    result.checked += live.checked
    result.violations.push(...live.violations)
    const hung = this.racer.checkHung(atMs, step)
    result.checked += hung.checked
    result.violations.push(...hung.violations)
    log.drainErrors(result, atMs, step, scheduler.errors.splice(0))
    if (workload !== null) {
      if (workload.error !== null) throw workload.error
      const app = workload.checkInvariants(atMs, step)
      result.checked += app.checked
      result.violations.push(...app.violations)
    }
    log.account(result)
    return result
  }

  /**
   * GC liveness, once replication went quiet and the GC strikes passed: every peer
   * keeps open exactly the cores live sessions hold.
   */
  gcLiveness (): CheckResult {
    const result = this.liveness.checkGcLiveness()
    this.deps.log.account(result)
    return result
  }

  /**
   * At the end of the run, every peer closed: the step checks once more when a
   * workload runs and has not broken (else the model's sessions, and the errors queued
   * since the last check: a close that rejected or timed out, a failed recovery), then
   * nothing left open (timers, storage work, immediates).
   */
  atClose (): void {
    const { scheduler, log, workload, step } = this.deps
    if (workload !== null && workload.error === null) {
      this.afterStep()
    } else {
      // Without a workload this branch used to drop the queued errors (`undefined !== null`):
      // a store whose close rejected ended as a bare left-open with no cause.
      const result = checkSessions(this.context())
      log.drainErrors(result, scheduler.clock.elapsedMs, step, scheduler.errors.splice(0))
      log.account(result)
    }
    log.account(checkClosed(this.context(), {
      timers: scheduler.clock.pendingTimers,
      storageOps: scheduler.gate.inflight,
      immediates: scheduler.immediates.pending
    }))
  }
}
