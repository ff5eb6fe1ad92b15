import type { InvariantName, Violation } from '../checks/invariants'
import type { Scenario } from '../scenario/generator'
import type { Step, StepResult } from '../scenario/steps'
import { offer, removeChunks, shrink, simplifyEach, type ShrinkOutcome, type ShrinkPass, type ShrinkProgress } from './shrinker'
import { restrictScenario } from './scenario-edit'
import { simplerSteps } from './step-variants'

/** The failure a shrunk scenario must keep: its invariant, and where it was first seen. */
export interface ScenarioFailure {
  invariant: InvariantName
  /** Step during or after which it was found; null outside steps. */
  step: number | null
  peer?: number
  core?: number
}

/** The failure to keep from a run's violations: the first one found. Null if there is none. */
export function failureOf (violations: readonly Violation[]): ScenarioFailure | null {
  const v = violations[0]
  if (v === undefined) return null
  return {
    invariant: v.invariant,
    step: v.step,
    ...(v.peer === undefined ? {} : { peer: v.peer }),
    ...(v.core === undefined ? {} : { core: v.core })
  }
}

/** True when a run still breaks the same invariant. */
export function sameFailure (failure: ScenarioFailure, violations: readonly Violation[]): boolean {
  return violations.some((v) => v.invariant === failure.invariant)
}

/** Options of `shrinkScenario()`. */
export interface ShrinkScenarioOptions {
  /** What must keep failing (see `failureOf`). */
  failure: ScenarioFailure
  /**
   * Runs a candidate scenario (deterministically, e.g. through `runGivenScenario` in a
   * worker) and resolves with its violations, and with its step results when it has
   * them (their virtual times let shrinking remove steps without moving later ones).
   */
  run: (scenario: Scenario) => Promise<{ violations: readonly Violation[], stepResults?: readonly StepResult[] }>
  /** Virtual time at which each step of `scenario` finished, if known (`StepResult.atMs`). */
  stepEndsMs?: readonly number[]
  /** Candidates run at once. Default 1. */
  parallel?: number
  /** Real time allowed, in ms. Default 60,000. */
  budgetMs?: number
  now?: () => number
  onProgress?: (progress: ShrinkProgress<Scenario>) => void
}

/**
 * Shrinks a failing scenario to a small one that still breaks the same invariant:
 * cuts the steps after the failure, keeps only the peer and core it names, drops
 * cores, peers, steps and links that are not needed (renumbering what is left), then
 * makes each step simpler and the fault phase shorter; round after round until nothing
 * changes or the budget runs out (the smallest found so far is returned).
 */
export async function shrinkScenario (scenario: Scenario, opts: ShrinkScenarioOptions): Promise<ShrinkOutcome<Scenario>> {
  const timing = new WeakMap<Scenario, readonly number[]>()
  if (opts.stepEndsMs !== undefined) timing.set(scenario, opts.stepEndsMs)
  return shrink(scenario, {
    passes: scenarioPasses(opts.failure, timing),
    fails: async (candidate) => {
      const result = await opts.run(candidate)
      if (result.stepResults !== undefined) timing.set(candidate, result.stepResults.map((r) => r.atMs))
      return sameFailure(opts.failure, result.violations)
    },
    parallel: opts.parallel ?? 1,
    budgetMs: opts.budgetMs ?? 60_000,
    ...(opts.now === undefined ? {} : { now: opts.now }),
    ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress })
  })
}

const getSteps = (s: Scenario): readonly Step[] => s.steps
const setSteps = (s: Scenario, steps: Step[]): Scenario => ({ ...s, steps })

/**
 * The steps [start, end) replaced by one `advance` as long as they took, so that the
 * steps after them run at the same virtual times (failures that depend on GC timing
 * survive). Null when the timing is unknown.
 */
function sameTime (timing: WeakMap<Scenario, readonly number[]>): (s: Scenario, start: number, end: number) => Step[] | null {
  return (s, start, end) => {
    const ends = timing.get(s)
    if (ends === undefined || end > ends.length) return null
    const from = start === 0 ? 0 : ends[start - 1] as number
    const ms = (ends[end - 1] as number) - from
    return ms > 0 ? [{ kind: 'advance', ms }] : []
  }
}

/** Adjacent `advance` steps merged into one: exactly the same virtual times. */
function mergeAdvances (steps: readonly Step[]): Step[] {
  const out: Step[] = []
  for (const step of steps) {
    const last = out[out.length - 1]
    if (step.kind === 'advance' && last !== undefined && last.kind === 'advance') out[out.length - 1] = { kind: 'advance', ms: last.ms + step.ms }
    else out.push(step)
  }
  return out
}

/** The passes of `shrinkScenario`, in order. `timing` has the step end times of scenarios that ran. */
export function scenarioPasses (failure: ScenarioFailure, timing: WeakMap<Scenario, readonly number[]> = new WeakMap()): Array<ShrinkPass<Scenario>> {
  return [
    once('truncate', (s) => {
      // Steps after the one the failure was found at cannot have caused it, unless the
      // failure shows only at heal or close time (then `step` is null).
      const cut = failure.step === null ? [] : [setSteps(s, s.steps.slice(0, failure.step + 1))]
      return cut.filter((c) => c.steps.length < s.steps.length)
    }),
    offer('shorten', (s) => s.durationMs > 0 ? [{ ...s, durationMs: 0 }, { ...s, durationMs: Math.floor(s.durationMs / 2) }] : []),
    once('focus', (s) => focus(s, failure, timing.get(s))),
    // Delta debugging over the cores, then the peers: halves first, then quarters...
    // Steps that go with them leave an advance of their duration (see restrictScenario).
    removeChunks('drop-cores', (s) => indexes(s.cores.length), (s, kept) => restrictScenario(s, () => true, (c) => kept.includes(c), timing.get(s)) as Scenario),
    removeChunks('drop-peers', (s) => indexes(s.peers), (s, kept) => restrictScenario(s, (p) => kept.includes(p), () => true, timing.get(s)) ?? s),
    offer('merge-advances', (s) => {
      const merged = mergeAdvances(s.steps)
      return merged.length < s.steps.length ? [setSteps(s, merged)] : []
    }),
    offer('drop-kind', (s) => [...new Set(s.steps.map((step) => step.kind))].map((kind) => setSteps(s, s.steps.filter((step) => step.kind !== kind)))),
    removeChunks('remove-steps', getSteps, setSteps),
    removeChunks('remove-steps-keep-time', getSteps, setSteps, sameTime(timing)),
    removeChunks('drop-links', (s) => s.links, (s, links) => ({ ...s, links })),
    simplifyEach('simplify-steps', getSteps, setSteps, simplerSteps)
  ]
}

function indexes (n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}

/** A pass that offers its candidates once, in the first round: they read indexes of the original scenario. */
function once<T> (name: string, candidates: (value: T) => T[]): ShrinkPass<T> {
  let done = false
  return {
    name,
    async run (ctx) {
      if (done) return
      done = true
      const list = candidates(ctx.current)
      if (list.length > 0) await ctx.tryFirst(list)
    }
  }
}

/**
 * One candidate keeping only what the failure names: its peer, its core and the
 * core's owner (where the failure names them).
 */
function focus (s: Scenario, failure: ScenarioFailure, ends: readonly number[] | undefined): Scenario[] {
  if (failure.peer === undefined && failure.core === undefined) return []
  const core = failure.core === undefined ? undefined : s.cores[failure.core]
  const peers = new Set<number>()
  if (failure.peer !== undefined) peers.add(failure.peer)
  if (core !== undefined) peers.add(core.owner)
  if (peers.size === 0) return []
  const out: Scenario[] = []
  const focused = restrictScenario(s, (p) => peers.has(p), (c) => failure.core === undefined || c === failure.core, ends)
  if (focused !== null) out.push(focused)
  if (core !== undefined && failure.core !== undefined) {
    // The core and everyone who holds it: its owner and its readers.
    const holders = new Set([core.owner, ...(s.readers[failure.core] ?? []), ...peers])
    const c = failure.core
    const held = restrictScenario(s, (q) => holders.has(q), (i) => i === c, ends)
    if (held !== null && held.peers > (focused?.peers ?? 0)) out.push(held)
  }
  if (failure.core === undefined && failure.peer !== undefined) {
    // A peer-wide failure (e.g. left open at close): the peer and the writers of the cores it reads.
    const p = failure.peer
    const writers = new Set([p, ...s.cores.flatMap((c, i) => (s.readers[i] ?? []).includes(p) ? [c.owner] : [])])
    const wider = writers.size < s.peers ? restrictScenario(s, (q) => writers.has(q), (c) => s.cores[c]?.owner === p || (s.readers[c] ?? []).includes(p), ends) : null
    if (wider !== null) out.push(wider)
  }
  return out
}
