import { checkOf, type InvariantName, type Violation } from '../checks/invariants'
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
  /**
   * For a `workload` violation, which of the app's checks (`hyperbee.final check`): an
   * app's checks are one invariant to the simulator, but a different check failing is a
   * different failure.
   */
  check?: string
}

/** True when `v` is a violation of the kept failure's invariant (and, for a workload, of its check). */
function matches (failure: ScenarioFailure, v: Violation): boolean {
  return v.invariant === failure.invariant && (failure.check === undefined || checkOf(v) === failure.check)
}

/** The failure to keep from a run's violations: the first one found. Null if there is none. */
export function failureOf (violations: readonly Violation[]): ScenarioFailure | null {
  const v = violations[0]
  if (v === undefined) return null
  const check = checkOf(v)
  return {
    invariant: v.invariant,
    ...(check === undefined ? {} : { check }),
    step: v.step,
    ...(v.peer === undefined ? {} : { peer: v.peer }),
    ...(v.core === undefined ? {} : { core: v.core })
  }
}

/** True when a run still breaks the same invariant (and, for a workload, the same check). */
export function sameFailure (failure: ScenarioFailure, violations: readonly Violation[]): boolean {
  return violations.some((v) => matches(failure, v))
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
  /**
   * Every peer must stay reachable from every other (through links or replicate steps):
   * an app runs on them, and an app's final check on peers the shrink cut off fails for
   * that reason alone. Default false.
   */
  connected?: boolean
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
  const seen = new WeakMap<Scenario, ScenarioFailure>([[scenario, opts.failure]])
  if (opts.stepEndsMs !== undefined) timing.set(scenario, opts.stepEndsMs)
  return shrink(scenario, {
    passes: scenarioPasses({ timing, seen }),
    fails: async (candidate) => {
      if (!readersReachOwners(candidate) || (opts.connected === true && !allConnected(candidate))) return false
      const result = await opts.run(candidate)
      if (result.stepResults !== undefined) timing.set(candidate, result.stepResults.map((r) => r.atMs))
      const match = failureOf(result.violations.filter((v) => matches(opts.failure, v)))
      if (match !== null) seen.set(candidate, match)
      return match !== null
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

/**
 * True when every reader of a core can reach its owner over the scenario's links
 * (those made at start and by `replicate` steps). Convergence after healing assumes it:
 * a candidate that cut a reader off would fail convergence on any store, so shrinking
 * never offers one (it would turn a real failure into an artefact of the topology).
 */
export function readersReachOwners (s: Scenario): boolean {
  const find = components(s)
  return s.cores.every((core, c) => (s.readers[c] ?? []).every((r) => find(r) === find(core.owner)))
}

/** True when every peer of `s` can reach every other (links and replicate steps). */
export function allConnected (s: Scenario): boolean {
  const find = components(s)
  return Array.from({ length: s.peers }, (_, i) => find(i)).every((r, _, all) => r === all[0])
}

/** Union-find over a scenario's links and replicate steps: a peer's component. */
function components (s: Scenario): (peer: number) => number {
  const root = Array.from({ length: s.peers }, (_, i) => i)
  const find = (x: number): number => {
    while (root[x] !== x) x = root[x] = root[root[x] as number] as number
    return x
  }
  const join = (a: number, b: number): void => { root[find(a)] = find(b) }
  for (const [a, b] of s.links) join(a, b)
  for (const step of s.steps) if (step.kind === 'replicate') join(step.a, step.b)
  return find
}

/** What shrinking learnt from the runs of the scenarios it tried (keyed by scenario object). */
export interface ShrinkMemory {
  /** Virtual time each step finished at. */
  timing: WeakMap<Scenario, readonly number[]>
  /** The kept invariant's first violation in that scenario's run, in its own numbering. */
  seen: WeakMap<Scenario, ScenarioFailure>
}

/** The passes of `shrinkScenario`, in order. */
export function scenarioPasses (memory: ShrinkMemory): Array<ShrinkPass<Scenario>> {
  const { timing, seen } = memory
  return [
    offer('truncate', (s) => {
      // Steps after the one the failure was found at cannot have caused it, unless the
      // failure shows only at heal or close time (then `step` is null).
      const step = seen.get(s)?.step ?? null
      return step === null || step + 1 >= s.steps.length ? [] : [setSteps(s, s.steps.slice(0, step + 1))]
    }),
    offer('focus', (s) => {
      const failure = seen.get(s)
      return failure === undefined ? [] : focus(s, failure, timing.get(s))
    }),
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
    simplifyEach('simplify-steps', getSteps, setSteps, simplerSteps),
    // Last: candidates stop at the failure, so the fault phase's length rarely matters.
    offer('shorten', (s) => s.durationMs > 0 ? [{ ...s, durationMs: 0 }, { ...s, durationMs: Math.floor(s.durationMs / 2) }] : [])
  ]
}

function indexes (n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
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
