// node build/test/property/mutants/child.js --mutant NAME [--properties a,b]
// Runs the property suite (npm test's seeds and runs) with one planted bug switched
// on, stopping at the first property that fails; prints progress, then one JSON line.
import { PROPERTIES, findProperty } from '../properties'
import { runProperty, formatReport } from '../harness/runner'
import { parseFlags, replayLine, type ReplayTarget } from '../harness/replay-line'
import { ciRuns, ciSeed } from '../harness/seeds'
import { findMutant } from '.'

/** What a child reports to the mutant runner (its last stdout line). */
export interface MutantResult {
  mutant: string
  killedBy: string | null
  /** The killing scenario, to pin as a regression sentinel. */
  target: ReplayTarget | null
  steps: number
  replay: string | null
  error: string | null
  scenarios: number
  realMs: number
}

async function main (): Promise<void> {
  const flags = parseFlags(process.argv.slice(2))
  const mutant = findMutant(flags.get('mutant') ?? '')
  const only = flags.get('properties')?.split(',') ?? null
  const suite = only === null ? PROPERTIES : only.map(findProperty)
  const restore = mutant.apply()
  const result: MutantResult = { mutant: mutant.name, killedBy: null, target: null, steps: 0, replay: null, error: null, scenarios: 0, realMs: 0 }
  try {
    for (const prop of suite) {
      const report = await runProperty(prop, { seed: ciSeed(prop.name), numRuns: ciRuns(prop.ciRuns), mutant: mutant.name })
      result.scenarios += report.runsDone
      result.realMs += report.realMs
      for (const line of formatReport(report)) console.log(line)
      if (report.ok) continue
      result.killedBy = prop.name
      result.target = { property: report.property, seed: report.seed, path: report.path, replayPath: report.replayPath, mutant: null }
      result.steps = report.steps.length
      result.replay = replayLine(report)
      result.error = report.error
      break
    }
  } finally {
    restore()
  }
  console.log(JSON.stringify(result))
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 2
})
