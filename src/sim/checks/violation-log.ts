import { errorCode, type CheckResult, type InvariantName, type Violation } from './invariants'
import type { Trace } from '../trace/trace'

/**
 * Every invariant result of a run: counts the conditions checked, keeps the violations
 * and records both in the trace. Errors thrown where nobody could catch them (timers,
 * released storage callbacks, unhandled rejections) are queued here and become
 * `uncaught-error` violations at the next check.
 */
export class ViolationLog {
  /** Every violation so far, in order. */
  readonly violations: Violation[] = []
  /** Individual conditions evaluated so far. */
  checked = 0
  private readonly trace: Trace
  private readonly errors: unknown[] = []

  constructor (trace: Trace) {
    this.trace = trace
  }

  /** Adds a check's result. */
  account (result: CheckResult): void {
    this.checked += result.checked
    this.violations.push(...result.violations)
    for (const v of result.violations) this.trace.record('violation', { ...v })
    if (result.checked > 0) this.trace.record('inv', { n: result.checked, bad: result.violations.length })
  }

  /** Counts conditions that held, checked outside the step checks (no trace line). */
  passed (n: number): void {
    this.checked += n
  }

  /** Adds one failed condition. */
  violate (invariant: InvariantName, detail: string, atMs: number, step: number | null): void {
    this.account({ checked: 1, violations: [{ invariant, atMs, step, detail }] })
  }

  /** Queues an error nobody could catch. */
  error (err: unknown): void {
    this.errors.push(err)
  }

  /** Takes the queued errors `match` accepts out of the queue; returns how many. */
  takeErrors (match: (err: unknown) => boolean): number {
    const before = this.errors.length
    const keep = this.errors.filter((e) => !match(e))
    this.errors.splice(0, this.errors.length, ...keep)
    return before - keep.length
  }

  /** Turns queued errors (and `more`) into violations of a check result. */
  drainErrors (into: CheckResult, atMs: number, step: number | null, more: unknown[] = []): void {
    for (const err of [...more, ...this.errors.splice(0)]) {
      into.violations.push({ invariant: 'uncaught-error', atMs, step, detail: describeError(err) })
    }
  }
}

function describeError (err: unknown): string {
  if (err instanceof Error) return `${errorCode(err)}: ${err.message}`
  return String(err)
}
