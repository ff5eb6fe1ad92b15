import fs from 'fs'
import path from 'path'
import type { RunResult } from '../scenario/runner'
import { describeViolation } from '../shrink/describe'
import { readReplayFile, replayScenario, type ReplayFile } from '../shrink/replay-file'
import { checkReplayWorkload } from '../shrink/replay-workload'
import { runInWorker, type SpawnOptions } from './worker'

/** The replay files (`*.json`) of a folder, sorted by name. */
export function replayFiles (dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f))
}

/** Options of `runReplay()`. */
export interface RunReplayOptions extends SpawnOptions {
  /** Store to run on. Default: the file's. */
  store?: string
  /** Trace file to write. Default: none. */
  trace?: string | null
  /** Run even if the workload is not the one the file ran (see checkReplayWorkload). Default false: such a file throws. */
  allowChanged?: boolean
}

/** Runs a replay file in a fresh simulation process; resolves with the file and the run's result. */
export async function runReplay (file: string, opts: RunReplayOptions = {}): Promise<{ replay: ReplayFile, result: RunResult }> {
  const replay = readReplayFile(file)
  const { spec } = checkReplayWorkload(replay, file, opts.allowChanged === true)
  const spawn: SpawnOptions = {
    ...(opts.execArgv === undefined ? {} : { execArgv: opts.execArgv }),
    ...(opts.env === undefined ? {} : { env: opts.env })
  }
  const result = await runInWorker({
    kind: 'scenario',
    scenario: replayScenario(replay),
    store: opts.store ?? replay.store,
    options: replay.options,
    workload: spec,
    trace: opts.trace ?? null
  }, () => {}, spawn)
  return { replay, result }
}

/** The assertions `replayTests` uses (brittle's `t` has them). */
export interface ReplayAssert {
  ok (value: unknown, message?: string): void
  is (actual: unknown, expected: unknown, message?: string): void
}

/** A test function like brittle's default export: `test(name, opts, fn)`. */
export type ReplayTestFunction = (name: string, opts: { timeout: number }, fn: (t: ReplayAssert) => Promise<void>) => void

/** Options of `replayTests()`. */
export interface ReplayTestsOptions extends RunReplayOptions {
  /** Timeout of each test, in ms. Default 120,000. */
  timeoutMs?: number
}

/**
 * Registers one test per replay file of `dir`: the saved scenario must now pass (no
 * invariant violated). Committed replay files are regression tests; this is how a
 * brittle test file runs them:
 *
 * ```ts
 * import test from 'brittle'
 * import { replayTests } from 'corestore-ts/sim'
 * replayTests(test, path.join(__dirname, 'sim-regressions'))
 * ```
 *
 * An empty or missing folder registers one failing test: a suite that checks nothing
 * must not look green. Returns the number of files.
 */
export function replayTests (test: ReplayTestFunction, dir: string, opts: ReplayTestsOptions = {}): number {
  const files = fs.existsSync(dir) ? replayFiles(dir) : []
  const timeout = opts.timeoutMs ?? 120_000
  if (files.length === 0) {
    test(`replay files in ${dir}`, { timeout }, async (t) => { t.ok(false, `no replay file (*.json) in ${dir}`) })
    return 0
  }
  for (const file of files) {
    test(`replay ${path.basename(file)}`, { timeout }, async (t) => {
      const { replay, result } = await runReplay(file, opts)
      const first = result.violations[0]
      t.is(result.violations.length, 0, first === undefined
        ? `${replay.steps.length} steps over ${replay.scenario.peers} peers pass${replay.recorded.invariant === null ? '' : ` (once broke ${replay.recorded.invariant})`}`
        : `still fails: ${describeViolation(first)}`)
    })
  }
  return files.length
}
