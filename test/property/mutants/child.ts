// node build/test/property/mutants/child.js --mutant NAME [--properties a,b]
// Runs the checks that must kill one planted bug: its declared killers (every one of
// them), or else the property suite (npm test's seeds and runs) until a property
// fails. Prints progress, then one JSON line.
import { PROPERTIES, findProperty } from '../properties'
import { runProperty, formatReport } from '../harness/runner'
import { parseFlags, replayLine, type ReplayTarget } from '../harness/replay-line'
import { ciRuns, ciSeed } from '../harness/seeds'
import type { Property } from '../harness/property'
import type { Mutant } from './mutant'
import { runTestFile } from './test-file'
import { findMutant } from '.'

/** What a child reports to the mutant runner (its last stdout line). */
export interface MutantResult {
  mutant: string
  /** The checks that failed, comma-separated; null if none did. */
  killedBy: string | null
  /** Declared killers that did not fail (each must). */
  missed: string[]
  /** The killing scenario, to pin as a regression sentinel. */
  target: ReplayTarget | null
  steps: number
  replay: string | null
  error: string | null
  scenarios: number
  realMs: number
}

async function runProperties (mutant: Mutant, suite: readonly Property[], stopAtFirst: boolean, result: MutantResult): Promise<string[]> {
  const killers: string[] = []
  for (const prop of suite) {
    const report = await runProperty(prop, { seed: ciSeed(prop.name), numRuns: ciRuns(prop.ciRuns), mutant: mutant.name })
    result.scenarios += report.runsDone
    result.realMs += report.realMs
    for (const line of formatReport(report)) console.log(line)
    if (report.ok) {
      if (!stopAtFirst) result.missed.push(prop.name)
      continue
    }
    killers.push(prop.name)
    if (result.target === null) {
      result.target = { property: report.property, seed: report.seed, path: report.path, replayPath: report.replayPath, mutant: null }
      result.steps = report.steps.length
      result.replay = replayLine(report)
      result.error = report.error
    }
    if (stopAtFirst) break
  }
  return killers
}

async function main (): Promise<void> {
  const flags = parseFlags(process.argv.slice(2))
  const mutant = findMutant(flags.get('mutant') ?? '')
  const only = flags.get('properties')?.split(',') ?? null
  const declared = only === null ? mutant.killers : undefined
  const result: MutantResult = { mutant: mutant.name, killedBy: null, missed: [], target: null, steps: 0, replay: null, error: null, scenarios: 0, realMs: 0 }
  const killers: string[] = []
  if (declared === undefined || (declared.properties?.length ?? 0) > 0) {
    const suite = only !== null ? only.map(findProperty) : declared?.properties?.map(findProperty) ?? PROPERTIES
    const restore = mutant.apply()
    try {
      killers.push(...await runProperties(mutant, suite, declared === undefined, result))
    } finally {
      restore()
    }
  }
  for (const file of declared?.tests ?? []) {
    const started = Date.now()
    const run = await runTestFile(mutant.name, file)
    for (const line of run.notOk) console.log(`  ${file}: ${line}`)
    result.realMs += Date.now() - started
    if (run.failed) killers.push(file)
    else result.missed.push(file)
  }
  result.killedBy = killers.length === 0 ? null : killers.join(',')
  console.log(JSON.stringify(result))
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 2
})
