import type { CoreSpec } from '../peers/catalog'
import { MAX_SEED, type Prng } from '../random/prng'
import type { Scenario } from '../scenario/generator'
import { checkStep, type Step } from '../scenario/steps'

/** The ways a scenario is changed, in the order `MUTATION_WEIGHTS` lists them. */
export type MutationKind = 'insert' | 'delete' | 'duplicate' | 'swap' | 'peer' | 'core' | 'timing' | 'fault-window' | 'splice' | 'reseed'

/**
 * How often each mutation is drawn. Deleting and duplicating take runs of up to
 * MAX_RUN steps, so a mutant can drop or repeat a whole episode (a crash and what
 * follows); changing one field is the commonest, as in AFL's havoc stage.
 */
export const MUTATION_WEIGHTS: Readonly<Record<MutationKind, number>> = Object.freeze({
  insert: 14, delete: 12, duplicate: 12, swap: 10, peer: 12, core: 10, timing: 10, 'fault-window': 10, splice: 6, reseed: 4
})

const MAX_RUN = 8

/** Options of `mutateScenario()`. */
export interface MutateOptions {
  /** Longest scenario made, in steps (a splice or duplication past it is cut). Default 2,000. */
  maxSteps?: number
  /** Mutations stacked on one scenario: 1 to this many, drawn. Default 4. */
  maxStack?: number
}

/** A mutated scenario and what was done to it (for the log and the replay file's note). */
export interface Mutant {
  scenario: Scenario
  mutations: MutationKind[]
}

function holders (s: Scenario, core: number): number[] {
  return [(s.cores[core] as CoreSpec).owner, ...(s.readers[core] ?? [])]
}

/**
 * The step made valid and sensible on `s`'s topology (a step from another scenario,
 * or one whose peer or core was changed): an append is made by its core's owner, a
 * read or session by one of its holders, a crash's in-flight append on a core the
 * peer owns (else none), links between two distinct peers. Other steps are kept.
 */
export function fitStep (step: Step, s: Scenario, prng: Prng): Step {
  const peers = s.peers
  const coreOk = (c: number): boolean => c >= 0 && c < s.cores.length
  switch (step.kind) {
    case 'append': {
      const core = coreOk(step.core) ? step.core : prng.int(0, s.cores.length - 1)
      return { ...step, core, peer: (s.cores[core] as CoreSpec).owner }
    }
    case 'get': case 'open-session': case 'close-session': case 'download': {
      const core = coreOk(step.core) ? step.core : prng.int(0, s.cores.length - 1)
      const h = holders(s, core)
      return { ...step, core, peer: h.includes(step.peer) ? step.peer : prng.pick(h) }
    }
    case 'api': {
      if (step.core === undefined) return step.peer < peers ? step : { ...step, peer: prng.int(0, peers - 1) }
      const core = coreOk(step.core) ? step.core : prng.int(0, s.cores.length - 1)
      const h = holders(s, core)
      return { ...step, core, peer: h.includes(step.peer) ? step.peer : prng.pick(h) }
    }
    case 'replicate': case 'disconnect': case 'stall': case 'slow': {
      let a = step.a < peers ? step.a : prng.int(0, peers - 1)
      let b = step.b < peers ? step.b : prng.int(0, peers - 1)
      if (a === b) [a, b] = prng.sample(Array.from({ length: peers }, (_, i) => i), 2) as [number, number]
      return { ...step, a, b }
    }
    case 'partition': return { ...step, side: step.side.filter((p) => p < peers) }
    case 'crash': {
      const peer = step.peer < peers ? step.peer : prng.int(0, peers - 1)
      const { inflightAppend, ...rest } = step
      if (inflightAppend === undefined) return { ...rest, peer }
      const owned = s.cores.flatMap((c, i) => c.owner === peer ? [i] : [])
      if (owned.length === 0) return { ...rest, peer }
      return { ...rest, peer, inflightAppend: { ...inflightAppend, core: owned.includes(inflightAppend.core) ? inflightAppend.core : prng.pick(owned) } }
    }
    case 'restart': case 'disk-error': case 'disk-full': case 'read-error': case 'op':
      return step.peer < peers ? step : { ...step, peer: prng.int(0, peers - 1) }
    default: return step
  }
}

/** A step with another peer (a holder of its core, another link end, any peer for faults); null when it has none to change. */
function withOtherPeer (step: Step, s: Scenario, prng: Prng): Step | null {
  switch (step.kind) {
    case 'get': case 'open-session': case 'close-session': case 'download':
      return { ...step, peer: prng.pick(holders(s, step.core)) }
    case 'replicate': case 'disconnect': case 'stall': case 'slow':
      return fitStep({ ...step, a: prng.int(0, s.peers - 1) }, s, prng)
    case 'crash': case 'restart': case 'disk-error': case 'disk-full': case 'read-error':
      return fitStep({ ...step, peer: prng.int(0, s.peers - 1) }, s, prng)
    case 'partition': {
      const side = prng.sample(Array.from({ length: s.peers }, (_, i) => i), prng.int(1, Math.max(1, Math.floor(s.peers / 2))))
      return { ...step, side: side.sort((x, y) => x - y) }
    }
    default: return null
  }
}

/** A step on another core (its peer fitted to it); null for steps without a core. */
function withOtherCore (step: Step, s: Scenario, prng: Prng): Step | null {
  switch (step.kind) {
    case 'append': case 'get': case 'open-session': case 'close-session': case 'download':
      return fitStep({ ...step, core: prng.int(0, s.cores.length - 1) }, s, prng)
    default: return null
  }
}

/** A duration redrawn near the old one: halved, doubled, or anywhere up to twice it plus a second. */
function nearby (ms: number, prng: Prng): number {
  const pick = prng.int(0, 2)
  if (pick === 0) return Math.floor(ms / 2)
  if (pick === 1) return Math.min(ms * 2 + 1, 600_000)
  return prng.int(0, Math.min(ms * 2 + 1000, 600_000))
}

/** A fault step with another window (duration, down time, crash point); null for other steps. */
function withOtherWindow (step: Step, prng: Prng): Step | null {
  switch (step.kind) {
    case 'disconnect': case 'stall': case 'slow': case 'partition': case 'disk-error': case 'disk-full':
      return { ...step, durationMs: Math.max(100, nearby(step.durationMs ?? 10_000, prng)) }
    case 'crash':
      if (step.inflightAppend !== undefined && prng.chance(0.5)) return { ...step, inflightAppend: { ...step.inflightAppend, afterStorageOps: prng.int(0, 4) } }
      return { ...step, downMs: Math.max(100, nearby(step.downMs ?? 10_000, prng)) }
    case 'read-error': return { ...step, reads: prng.int(1, 4) }
    default: return null
  }
}

/** Indexes of steps for which `make` gives a change, tried from a drawn start; the first that does. */
function changeOne (steps: Step[], prng: Prng, make: (step: Step) => Step | null): boolean {
  if (steps.length === 0) return false
  const start = prng.int(0, steps.length - 1)
  for (let k = 0; k < steps.length; k++) {
    const i = (start + k) % steps.length
    const next = make(steps[i] as Step)
    if (next !== null) {
      steps[i] = next
      return true
    }
  }
  return false
}

/** Applies one mutation to `steps` in place; false when it could not apply (nothing to change). */
function applyOne (kind: MutationKind, steps: Step[], s: Scenario, donor: Scenario, prng: Prng, maxSteps: number): boolean {
  const n = steps.length
  switch (kind) {
    case 'insert': {
      const from = prng.chance(0.5) ? s.steps : donor.steps
      if (from.length === 0) return false
      steps.splice(prng.int(0, n), 0, fitStep(prng.pick(from), s, prng))
      return true
    }
    case 'delete': {
      if (n <= 1) return false
      const at = prng.int(0, n - 1)
      steps.splice(at, prng.int(1, Math.min(MAX_RUN, n - 1)))
      return true
    }
    case 'duplicate': {
      if (n === 0) return false
      const at = prng.int(0, n - 1)
      const run = steps.slice(at, at + prng.int(1, MAX_RUN))
      steps.splice(at + run.length, 0, ...run)
      return true
    }
    case 'swap': {
      if (n < 2) return false
      const [i, j] = prng.sample(Array.from({ length: n }, (_, k) => k), 2) as [number, number]
      const t = steps[i] as Step
      steps[i] = steps[j] as Step
      steps[j] = t
      return true
    }
    case 'peer': return changeOne(steps, prng, (st) => withOtherPeer(st, s, prng))
    case 'core': return changeOne(steps, prng, (st) => withOtherCore(st, s, prng))
    case 'timing': {
      if (prng.chance(0.3)) {
        steps.splice(prng.int(0, n), 0, { kind: 'advance', ms: prng.int(1, 30_000) })
        return true
      }
      return changeOne(steps, prng, (st) => st.kind === 'advance' ? { ...st, ms: nearby(st.ms, prng) } : null)
    }
    case 'fault-window': return changeOne(steps, prng, (st) => withOtherWindow(st, prng))
    case 'splice': {
      if (donor.steps.length === 0) return false
      const cut = prng.int(0, n)
      const from = prng.int(0, donor.steps.length - 1)
      const tail = donor.steps.slice(from, from + Math.max(1, maxSteps - cut)).map((st) => fitStep(st, s, prng))
      steps.splice(cut, n - cut, ...tail)
      return true
    }
    case 'reseed': return false // handled by the caller: it changes the scenario, not its steps
  }
}

/**
 * A new scenario made from `parent` by 1 to `maxStack` mutations drawn from `prng`
 * (insert, delete, duplicate or swap steps; another peer, core, advance time or fault
 * window for a step; a splice with `donor`; a new run seed, which redraws the
 * network's timing). Only `prng` decides: the same parent, donor and generator state
 * give the same scenario. The topology (peers, cores, owners, readers, links) is the
 * parent's; every step is valid on it (checkStep) and fitted to it (fitStep).
 */
export function mutateScenario (parent: Scenario, donor: Scenario, prng: Prng, opts: MutateOptions = {}): Mutant {
  const maxSteps = opts.maxSteps ?? 2000
  const stack = prng.int(1, opts.maxStack ?? 4)
  const steps = [...parent.steps]
  let seed = parent.seed
  const mutations: MutationKind[] = []
  for (let tries = 0; mutations.length < stack && tries < stack * 4; tries++) {
    const kind = prng.weighted(MUTATION_WEIGHTS)
    if (kind === 'reseed') {
      seed = prng.int(0, MAX_SEED)
      mutations.push(kind)
    } else if (applyOne(kind, steps, parent, donor, prng, maxSteps)) {
      mutations.push(kind)
    }
  }
  if (steps.length > maxSteps) steps.length = maxSteps
  for (const step of steps) checkStep(step, parent.peers, parent.cores.length)
  return { scenario: { ...parent, seed, steps }, mutations }
}
