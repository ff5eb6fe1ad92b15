// npm run replay -- --property NAME [--seed S] [--path P] [--replay-path R] [--mutant M] [--runs N]
// Replays one scenario (or, without --path, runs N scenarios from the seed) and
// prints the report; exit code 1 if the property fails.
import { findProperty } from './properties'
import { findMutant } from './mutants'
import { formatReport, runProperty } from './harness/runner'
import { intFlag, parseFlags } from './harness/replay-line'
import { ciRuns, ciSeed } from './harness/seeds'

async function main (): Promise<void> {
  const flags = parseFlags(process.argv.slice(2))
  const name = flags.get('property')
  if (name === undefined) throw new Error('--property NAME is required')
  const prop = findProperty(name)
  const path = flags.get('path') ?? null
  const mutantName = flags.get('mutant') ?? null
  const mutant = mutantName !== null ? findMutant(mutantName) : null
  const seed = intFlag(flags, 'seed', ciSeed(name))
  const numRuns = intFlag(flags, 'runs', path !== null ? 1 : ciRuns(prop.ciRuns))
  console.log(`replay ${name}: seed ${seed}${path !== null ? `, path ${path}` : `, ${numRuns} runs`}${mutant !== null ? `, mutant ${mutant.name}` : ''}`)
  const restore = mutant !== null ? mutant.apply() : null
  try {
    const report = await runProperty(prop, { seed, numRuns, path, replayPath: flags.get('replay-path') ?? null, mutant: mutantName })
    for (const line of formatReport(report)) console.log(line)
    process.exitCode = report.ok ? 0 : 1
  } finally {
    restore?.()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 2
})
