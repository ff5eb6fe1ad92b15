import type fc from 'fast-check'
import type { StepTally } from './step-tally'

/** What a property's arbitrary needs to rebuild a shrunk value. */
export interface ScenarioContext {
  /** fast-check's replay path of `fc.commands` (from a failure report), or null. */
  replayPath: string | null
}

/** How a property is written: one generated scenario in, a throw on any violation. */
export interface PropertySpec<T> {
  /** Short kebab-case name, used by replay, fuzz, regressions and mutants. */
  name: string
  /** One line: what must hold. */
  summary: string
  /** Scenarios per property in `npm test` (kept small: the suite has a time budget). */
  ciRuns: number
  /** Real-time deadline of one scenario, in milliseconds. Default 20000. */
  scenarioTimeoutMs?: number
  arbitrary (ctx: ScenarioContext): fc.Arbitrary<T>
  /**
   * Runs one scenario; throws or rejects on a violation. Must release all it opens.
   * Counts into `tally` which of its steps did real work and which were skipped, and why.
   */
  run (value: T, tally: StepTally): Promise<void>
  /** The scenario as readable steps (only those that ran). */
  describe (value: T): string[]
  /** The scenario's fixed setup (configuration drawn for it), printed before its steps. */
  setup? (value: T): string
  /** The replay path to print with a failure, for `fc.commands` scenarios. */
  replayPath? (value: T): string | null
}

/** A property with its value type erased, so properties of all kinds share a registry. */
export interface Property {
  readonly name: string
  readonly summary: string
  readonly ciRuns: number
  readonly scenarioTimeoutMs: number
  arbitrary (ctx: ScenarioContext): fc.Arbitrary<unknown>
  run (value: unknown, tally: StepTally): Promise<void>
  describe (value: unknown): string[]
  setup (value: unknown): string
  replayPath (value: unknown): string | null
}

/** Erases a property's value type; the casts are safe because values only ever come from its own arbitrary. */
export function defineProperty<T> (spec: PropertySpec<T>): Property {
  return {
    name: spec.name,
    summary: spec.summary,
    ciRuns: spec.ciRuns,
    scenarioTimeoutMs: spec.scenarioTimeoutMs ?? 20000,
    arbitrary: (ctx) => spec.arbitrary(ctx),
    run: (value, tally) => spec.run(value as T, tally),
    describe: (value) => spec.describe(value as T),
    setup: (value) => spec.setup?.(value as T) ?? '',
    replayPath: (value) => spec.replayPath?.(value as T) ?? null
  }
}
