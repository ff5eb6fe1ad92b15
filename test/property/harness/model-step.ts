import type fc from 'fast-check'
import type { StepTally } from './step-tally'

/** A real system that checks its invariants against the model after every step. */
export interface Checked<M> {
  check (m: M): Promise<void>
}

/**
 * One step of a model-based scenario. The model side (`check`, `label`, `apply`) is a
 * pure function of the steps, so a shrunk scenario can be re-simulated to print it
 * and replayed from fast-check's replay path; only `act` touches the real system.
 */
export abstract class ModelStep<M extends object, R extends Checked<M>> implements fc.AsyncCommand<M, R> {
  /** Whether the step can run in this model state (fast-check skips it otherwise). */
  abstract check (m: Readonly<M>): boolean
  /** The step as one line of a scenario, given the model before it. */
  abstract label (m: M): string
  /** Does the step on the real system; reads the model as it was before the step. */
  abstract act (m: M, r: R): Promise<void>
  /** Applies the step to the model. */
  abstract apply (m: M): void

  async run (m: M, r: R): Promise<void> {
    await this.act(m, r)
    this.apply(m)
    await r.check(m)
  }

  /** Shown by fast-check when no model is at hand. */
  abstract toString (): string

  /** What the step tally counts it as: its class, unless a step says more. */
  get kind (): string {
    return this.constructor.name
  }
}

interface Wrapper {
  hasRan?: boolean
  cmd?: unknown
}

/** The steps fast-check actually ran, unwrapped from its internal command wrappers. */
export function executedSteps<M extends object, R extends Checked<M>> (cmds: Iterable<fc.AsyncCommand<M, R>>): Array<ModelStep<M, R>> {
  const out: Array<ModelStep<M, R>> = []
  // fast-check iterates its CommandWrapper objects, which its typings do not expose.
  for (const item of cmds as Iterable<unknown>) {
    const w = item as Wrapper
    if (w.hasRan !== true) continue
    out.push((w.cmd ?? item) as ModelStep<M, R>)
  }
  return out
}

/**
 * Counts a scenario's steps once it ran to the end: those fast-check ran did real work,
 * the others were skipped because their precondition was false in the model state.
 */
export function countSteps<M extends object, R extends Checked<M>> (cmds: Iterable<fc.AsyncCommand<M, R>>, tally: StepTally): void {
  for (const item of cmds as Iterable<unknown>) {
    const w = item as Wrapper
    const step = (w.cmd ?? item) as ModelStep<M, R>
    if (w.hasRan === true) tally.did(step.kind)
    else tally.skipped(step.kind, 'not run: precondition false in the model state')
  }
}

/** Re-simulates the steps that ran on a fresh model and prints them, one line each. */
export function describeSteps<M extends object, R extends Checked<M>> (cmds: Iterable<fc.AsyncCommand<M, R>>, model: M): string[] {
  const lines: string[] = []
  for (const step of executedSteps(cmds)) {
    lines.push(step.label(model))
    step.apply(model)
  }
  return lines
}

/** fast-check's replay path of a commands value (needed to replay a shrunk one), or null. */
export function commandsReplayPath (cmds: unknown): string | null {
  const match = /replayPath="([^"]*)"/.exec(String(cmds))
  return match?.[1] ?? null
}
