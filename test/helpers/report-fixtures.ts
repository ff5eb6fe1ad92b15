// Runs whose traces the report tests draw: one that exercises every step and fault
// kind and lets GC collect, and the failing scenario of a planted bug.
import path from 'path'
import { runGivenScenario, type RunResult } from '../../src/sim/scenario/runner'
import type { Scenario } from '../../src/sim/scenario/generator'
import { findMutant } from '../property/mutants'

/** Three peers, two cores: every step kind, every fault kind, GC, a heal. */
export const EVERY_KIND: Scenario = {
  seed: 11,
  peers: 3,
  cores: [{ name: 'core-0', owner: 0 }, { name: 'core-1', owner: 1 }],
  readers: [[1, 2], [0, 2]],
  links: [[0, 1], [0, 2], [1, 2]],
  durationMs: 30_000,
  faultProfile: { drawn: false, rates: {} },
  steps: [
    { kind: 'append', peer: 0, core: 0, blocks: 3 },
    { kind: 'append', peer: 1, core: 1, blocks: 2 },
    { kind: 'get', peer: 1, core: 0, index: 2 },
    { kind: 'open-session', peer: 2, core: 0 },
    { kind: 'download', peer: 2, core: 0, start: 0, end: 3 },
    { kind: 'close-session', peer: 2, core: 0 },
    { kind: 'disconnect', a: 0, b: 1, durationMs: 2000 },
    { kind: 'stall', a: 1, b: 2, durationMs: 1500 },
    { kind: 'slow', a: 0, b: 2, bandwidthBytesPerSec: 20_000, durationMs: 3000 },
    { kind: 'partition', side: [2] },
    { kind: 'advance', ms: 4000 },
    { kind: 'crash', peer: 1, downMs: 2000 },
    { kind: 'advance', ms: 3000 },
    { kind: 'restart', peer: 0 },
    { kind: 'replicate', a: 0, b: 2 },
    { kind: 'get', peer: 2, core: 1, index: 1 },
    { kind: 'advance', ms: 12_000 },
    { kind: 'heal' },
    { kind: 'advance', ms: 1000 }
  ]
}

/** The planted bug the failing scenario kills. */
export const PLANTED_MUTANT = 'session-count-off-by-one'

/**
 * A short scenario (what a shrinker leaves of a failure) that the planted bug
 * `session-count-off-by-one` fails: p1 opens two sessions and closes one, and the
 * store forgets the other.
 */
export const PLANTED_FAILURE: Scenario = {
  seed: 7,
  peers: 2,
  cores: [{ name: 'core-0', owner: 0 }],
  readers: [[1]],
  links: [[0, 1]],
  durationMs: 10_000,
  faultProfile: { drawn: false, rates: {} },
  steps: [
    { kind: 'append', peer: 0, core: 0, blocks: 2 },
    { kind: 'open-session', peer: 1, core: 0 },
    { kind: 'open-session', peer: 1, core: 0 },
    { kind: 'close-session', peer: 1, core: 0 },
    { kind: 'get', peer: 1, core: 0, index: 1 },
    { kind: 'advance', ms: 5000 }
  ]
}

/** Runs a given scenario with its trace written to `dir/name.jsonl`; resolves with the result and the file. */
export async function traceRun (scenario: Scenario, dir: string, name: string): Promise<{ result: RunResult, trace: string }> {
  const trace = path.join(dir, `${name}.jsonl`)
  const result = await runGivenScenario(scenario, { trace: { file: trace } })
  return { result, trace }
}

/** Runs the planted failure with the bug switched on (and off again after). */
export async function tracePlantedFailure (dir: string): Promise<{ result: RunResult, trace: string }> {
  const restore = findMutant(PLANTED_MUTANT).apply()
  try {
    return await traceRun(PLANTED_FAILURE, dir, 'planted')
  } finally {
    restore()
  }
}
