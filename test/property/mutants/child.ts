// node build/test/property/mutants/child.js --mutant NAME
// Runs the property suite (npm test's seeds and runs) with one planted bug switched
// on, stopping at the first property that fails; prints progress, then one JSON line.
import { PROPERTIES } from '../properties'
import { runProperty, formatReport } from '../harness/runner'
import { parseFlags, replayLine } from '../harness/replay-line'
import { ciRuns, ciSeed } from '../harness/seeds'
import { findMutant } from '.'

/** What a child reports to the mutant runner (its last stdout line). */
export interface MutantResult {
  mutant: string
  killedBy: string | null
  steps: number
  replay: string | null
  error: string | null
  scenarios: number
  realMs: number
}

async function main (): Promise<void> {
  const flags = parseFlags(process.argv.slice(2))
  const mutant = findMutant(flags.get('mutant') ?? '')
  const restore = mutant.apply()
  const result: MutantResult = { mutant: mutant.name, killedBy: null, steps: 0, replay: null, error: null, scenarios: 0, realMs: 0 }
  try {
    for (const prop of PROPERTIES) {
      const report = await runProperty(prop, { seed: ciSeed(prop.name), numRuns: ciRuns(prop.ciRuns), mutant: mutant.name })
      result.scenarios += report.runsDone
      result.realMs += report.realMs
      for (const line of formatReport(report)) console.log(line)
      if (report.ok) continue
      result.killedBy = prop.name
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
