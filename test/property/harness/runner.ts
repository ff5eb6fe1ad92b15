import process from 'process'
import { realNow } from './real-time'
import fc from 'fast-check'
import type { Property } from './property'
import { replayLine, type ReplayTarget } from './replay-line'
import { withDeadline } from './watchdog'
import { StepTally } from './step-tally'

/** How to run a property. */
export interface RunOptions {
  seed: number
  numRuns: number
  /** Replays this counterexample path (then stops at its failure instead of shrinking). */
  path?: string | null
  replayPath?: string | null
  /** Printed in the replay line: the planted bug that is switched on. */
  mutant?: string | null
  /**
   * Runs this one scenario, given as data, instead of drawing from the seed: for
   * properties whose scenarios are plain JSON (the simulator's), a pinned scenario that
   * survives changes to the generator (a path replays only under the generator that made it).
   */
  value?: unknown
}

/** The result of running a property: on failure, everything needed to read and replay it. */
export interface RunReport extends ReplayTarget {
  ok: boolean
  numRuns: number
  /** Scenarios run, shrinking included. */
  runsDone: number
  /** The shrunk scenario, one step per line (empty when ok). */
  steps: string[]
  /** The shrunk scenario's setup (its drawn configuration), or ''. */
  setup: string
  /** The first line(s) of the violation (null when ok). */
  error: string | null
  realMs: number
  /** What the generated steps did, over every scenario run (shrinking included). */
  tally: StepTally
}

function errorText (err: unknown): string {
  if (err instanceof Error) return `${err.name === 'Error' ? '' : err.name + ': '}${err.message}`
  return String(err)
}

/**
 * Runs a property with fast-check: `numRuns` scenarios from `seed` (or one replayed
 * path), shrinking a failure to a minimal scenario. Every scenario has a real-time
 * deadline, so a hang fails (and shrinks) like any other violation.
 */
export async function runProperty (prop: Property, opts: RunOptions): Promise<RunReport> {
  const started = realNow()
  const given = opts.value !== undefined
  const replaying = !given && opts.path !== undefined && opts.path !== null
  const arb = given ? fc.constant(opts.value) : prop.arbitrary({ replayPath: opts.replayPath ?? null })
  // A rejection nobody handled is a bug of the scenario that caused it, not a crash of the run.
  const stray: unknown[] = []
  const onStray = (err: unknown): void => { stray.push(err) }
  const tally = new StepTally()
  const property = fc.asyncProperty(arb, async (value) => {
    stray.length = 0
    await withDeadline(`a ${prop.name} scenario`, prop.scenarioTimeoutMs, () => prop.run(value, tally))
    if (stray.length > 0) throw new Error(`UNHANDLED REJECTION: ${errorText(stray[0])}`)
  })
  process.on('unhandledRejection', onStray)
  let details: fc.RunDetails<[unknown]>
  try {
    details = await fc.check(property, {
      seed: opts.seed,
      numRuns: given ? 1 : opts.numRuns,
      path: replaying ? (opts.path as string) : undefined,
      endOnFailure: replaying || given
    })
  } finally {
    process.off('unhandledRejection', onStray)
  }
  const report: RunReport = {
    property: prop.name,
    seed: details.seed,
    path: null,
    replayPath: null,
    mutant: opts.mutant ?? null,
    ok: !details.failed,
    numRuns: opts.numRuns,
    runsDone: details.numRuns + details.numShrinks,
    steps: [],
    setup: '',
    error: null,
    realMs: Math.round(realNow() - started),
    tally
  }
  if (!details.failed) return report
  report.path = details.counterexamplePath
  const value = details.counterexample?.[0]
  if (value !== undefined) {
    report.steps = prop.describe(value)
    report.setup = prop.setup(value)
    report.replayPath = prop.replayPath(value) ?? (replaying ? opts.replayPath ?? null : null)
  }
  report.error = details.errorInstance !== undefined ? errorText(details.errorInstance) : 'property failed'
  return report
}

/** The lines a failing (or passing) run prints: seed always, and on failure the scenario and replay line. */
export function formatReport (r: RunReport): string[] {
  const head = `${r.property}: seed ${r.seed}, ${r.numRuns} runs${r.mutant !== null ? `, mutant ${r.mutant}` : ''}, ${r.realMs} ms`
  const steps = r.tally.format().map((line) => `  ${line}`)
  if (r.ok) return [`${head}: ok`, ...steps]
  const lines = [`${head}: FAILED after ${r.runsDone} scenarios (shrinking included)`, ...steps]
  lines.push(`  violation: ${r.error ?? '?'}`)
  lines.push(`  seed: ${r.seed}   path: ${r.path ?? '-'}${r.replayPath !== null ? `   replay path: ${r.replayPath}` : ''}`)
  lines.push(`  shrunk scenario (${r.steps.length} steps):`)
  if (r.setup !== '') lines.push(`     setup: ${r.setup}`)
  r.steps.forEach((s, i) => lines.push(`    ${String(i + 1).padStart(2)}. ${s}`))
  lines.push(`  replay: ${replayLine(r)}`)
  return lines
}
