import fs from 'fs'
import os from 'os'
import path from 'path'
import type { Violation } from '../checks/invariants'
import type { Scenario } from '../scenario/generator'
import type { RunResult } from '../scenario/runner'
import type { StepResult } from '../scenario/steps'
import { describeViolation, formatScenario } from '../shrink/describe'
import { makeReplayFile, storedWorkload, writeReplayFile, type ReplayFile, type ReplayOptions } from '../shrink/replay-file'
import { currentFingerprint } from '../shrink/replay-workload'
import { scenarioSize, type ScenarioSize } from '../shrink/scenario-edit'
import { failureOf, sameFailure, shrinkScenario, type ScenarioFailure } from '../shrink/shrink-scenario'
import type { WorkerPool } from './pool'

/** A failing scenario to shrink, and where its replay file goes. */
export interface ShrinkRequest {
  scenario: Scenario
  store: string
  options: ReplayOptions
  workload: string | null
  /** Violations of the failing run: the first one's invariant must be kept. */
  violations: readonly Violation[]
  /** Step results of the failing run, if it kept them (their times help shrinking). */
  stepResults?: readonly StepResult[]
  /** Simulation processes to run candidates in (all at once: one per process). */
  pool: WorkerPool
  /** Real time allowed, in ms. */
  budgetMs: number
  /** Skip shrinking: save the scenario as it is. */
  noShrink?: boolean
  /** Replay file to write; null: a new file in the temporary folder. */
  save: string | null
  note?: string
  /** Progress lines (stderr). */
  log: (line: string) => void
}

/**
 * A shrunk failure, ready to print, replay or report on: the scenario, the result of
 * its traced run (step results with virtual times, violations, trace hash), the trace
 * file (JSONL, e.g. for an HTML report) and the replay file written for it.
 */
export interface ShrunkFailure {
  failure: ScenarioFailure
  original: ScenarioSize
  scenario: Scenario
  result: RunResult
  /** Whether the traced run of the shrunk scenario broke the same invariant again. */
  reproduced: boolean
  traceFile: string
  replayFile: string
  replay: ReplayFile
  /** Candidates run while shrinking. */
  runs: number
  /** Real time the shrink took (candidates and the traced run), in ms. */
  realMs: number
  /** The budget ran out before the scenario was minimal. */
  outOfTime: boolean
}

function sizeText (s: ScenarioSize): string {
  return `${s.steps} steps, ${s.peers} peers, ${s.cores} cores`
}

/** Shrinks a failing scenario in the pool's processes, runs the result once more with a trace, and writes its replay file. */
export async function shrinkFailure (req: ShrinkRequest): Promise<ShrunkFailure> {
  const failure = failureOf(req.violations)
  if (failure === null) throw new Error('nothing to shrink: the run had no violation')
  const started = performance.now()
  const original = scenarioSize(req.scenario)
  const common = { store: req.store, options: req.options, workload: req.workload }
  let scenario = req.scenario
  let runs = 0
  let outOfTime = false
  if (req.noShrink !== true) {
    req.log(`shrinking: keeping ${failure.invariant}; ${sizeText(original)}; budget ${(req.budgetMs / 1000).toFixed(0)} s, ${req.pool.size} process${req.pool.size === 1 ? '' : 'es'}`)
    const outcome = await shrinkScenario(req.scenario, {
      failure,
      connected: req.workload !== null,
      run: (candidate) => req.pool.run({ kind: 'scenario', scenario: candidate, ...common, trace: null, stopOnInvariant: failure.invariant, ...(failure.check === undefined ? {} : { stopOnCheck: failure.check }) }),
      parallel: req.pool.size,
      ...(req.stepResults === undefined || req.stepResults.length === 0 ? {} : { stepEndsMs: req.stepResults.map((r) => r.atMs) }),
      budgetMs: req.budgetMs,
      onProgress: (p) => req.log(`shrinking: ${sizeText(scenarioSize(p.value))} (${p.pass}; ${p.runs} runs, ${(p.realMs / 1000).toFixed(1)} s)`)
    })
    scenario = outcome.value
    runs = outcome.runs
    outOfTime = outcome.outOfTime
    if (outOfTime) req.log(`shrinking: the ${(req.budgetMs / 1000).toFixed(0)} s budget ran out; reporting the smallest failing scenario so far`)
  }
  const replayFile = req.save ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'corestore-sim-')), `seed-${scenario.seed}-${failure.invariant}.json`)
  const traceFile = `${replayFile.replace(/\.json$/, '')}.trace.jsonl`
  fs.mkdirSync(path.dirname(path.resolve(traceFile)), { recursive: true })
  const result = await req.pool.run({ kind: 'scenario', scenario, ...common, trace: traceFile })
  const reproduced = sameFailure(failure, result.violations)
  const replay = makeReplayFile({
    scenario,
    store: req.store,
    workload: req.workload === null ? null : storedWorkload(req.workload, replayFile),
    workloadRecord: req.workload === null ? null : currentFingerprint(req.workload, scenario.peers),
    options: req.options,
    invariant: result.violations[0]?.invariant ?? null,
    violations: result.violations.length,
    traceHash: result.traceHash,
    ...(req.note === undefined ? {} : { note: req.note })
  })
  writeReplayFile(replayFile, replay)
  const noise = req.pool.output.summary('simulation processes')
  if (noise !== null) req.log(noise)
  return { failure, original, scenario, result, reproduced, traceFile, replayFile, replay, runs, realMs: performance.now() - started, outOfTime }
}

/** The lines that show a shrunk failure: sizes, the numbered steps, the violation, and the replay command. */
export function formatShrunk (s: ShrunkFailure): string[] {
  const lines: string[] = []
  const size = scenarioSize(s.scenario)
  const verb = s.runs === 0 ? 'not shrunk' : `shrunk in ${(s.realMs / 1000).toFixed(1)} s (${s.runs} runs${s.outOfTime ? ', budget ran out' : ''})`
  lines.push(`${s.failure.invariant}: ${verb}: ${sizeText(s.original)} -> ${sizeText(size)}`)
  lines.push(...formatScenario(s.scenario, s.result.stepResults, s.result.violations))
  if (!s.reproduced) {
    const first = s.result.violations[0]
    lines.push(`  warning: the traced run did not break ${s.failure.invariant} again${first === undefined ? '' : ` (it broke ${describeViolation(first)})`}`)
  }
  lines.push(`  trace: ${s.traceFile}`)
  lines.push(`replay: npx corestore-sim replay ${s.replayFile}`)
  return lines
}
