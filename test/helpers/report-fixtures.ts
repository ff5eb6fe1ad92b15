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

/**
 * A trace of a workload run, written by hand: three operations (one skipped, one failed
 * with a long code, one with long arguments), the app going down and up, a record and
 * the final check. The report must give each operation its own colour and legend entry,
 * and keep every step's status in view however long its text.
 */
export function appTraceEvents (format: number): Array<Record<string, unknown> & { t: number, k: string }> {
  const long = 'x'.repeat(160)
  return [
    { t: 0, k: 'sim', fmt: format, seed: 7, peers: 2, cores: 0, store: 'project', workload: 'demo' },
    { t: 0, k: 'app', p: 0, up: true },
    { t: 0, k: 'app', p: 1, up: true },
    { t: 0, k: 'phase', name: 'faults' },
    { t: 100, k: 'step', i: 0, s: { kind: 'op', peer: 0, op: 'put', args: { key: 'a', value: long } } },
    { t: 140, k: 'res', i: 0, ok: true, r: { version: 2 } },
    { t: 200, k: 'step', i: 1, s: { kind: 'op', peer: 1, op: 'put', args: { key: 'b' } } },
    { t: 210, k: 'res', i: 1, ok: true, skip: 'not a writer yet' },
    { t: 300, k: 'step', i: 2, s: { kind: 'op', peer: 1, op: 'get', args: { key: 'a' } } },
    { t: 380, k: 'res', i: 2, ok: false, code: `REQUEST_TIMEOUT_${long.toUpperCase()}` },
    { t: 400, k: 'step', i: 3, s: { kind: 'crash', peer: 1 } },
    { t: 400, k: 'app', p: 1, up: false, crash: true },
    { t: 401, k: 'res', i: 3, ok: true },
    { t: 500, k: 'workload', w: 'demo', p: 0, note: 'seen' },
    { t: 600, k: 'phase', name: 'heal' },
    { t: 700, k: 'workload-check', w: 'demo', bad: 0 }
  ]
}
