// npm run fuzz -- --runs N [--shard i/n] [--property NAME] [--base-seed B]
// A long campaign: every property (or one) runs N scenarios from a seed derived from
// (base seed, property, shard), so shards on different machines explore different
// scenarios. Failing seeds are printed with their replay line and appended to
// test/property/regressions.json. Exit code 1 if anything failed.
import { PROPERTIES, findProperty } from './properties'
import { formatReport, runProperty, type RunReport } from './harness/runner'
import { intFlag, parseFlags } from './harness/replay-line'
import { deriveSeed } from './harness/seeds'
import { appendRegressions } from './harness/regressions'

function parseShard (raw: string | undefined): { index: number, count: number } {
  if (raw === undefined) return { index: 1, count: 1 }
  const m = /^(\d+)\/(\d+)$/.exec(raw)
  const index = Number(m?.[1])
  const count = Number(m?.[2])
  if (m === null || index < 1 || index > count) throw new Error(`--shard must be i/n with 1 <= i <= n, got ${JSON.stringify(raw)}`)
  return { index, count }
}

async function main (): Promise<void> {
  const flags = parseFlags(process.argv.slice(2))
  const runs = intFlag(flags, 'runs', 1000)
  const shard = parseShard(flags.get('shard'))
  // Default base: the day, so a campaign re-run the same day repeats its seeds.
  const base = intFlag(flags, 'base-seed', Math.floor(Date.now() / 86_400_000))
  const name = flags.get('property')
  const props = name !== undefined ? [findProperty(name)] : PROPERTIES
  console.log(`fuzz: base seed ${base}, shard ${shard.index}/${shard.count}, ${runs} runs per property`)
  const failed: RunReport[] = []
  for (const prop of props) {
    const seed = deriveSeed(base, 'fuzz', prop.name, shard.index, shard.count)
    console.log(`${prop.name}: seed ${seed}`)
    const report = await runProperty(prop, { seed, numRuns: runs })
    for (const line of formatReport(report)) console.log(line)
    if (!report.ok) failed.push(report)
  }
  if (failed.length > 0) {
    const added = appendRegressions(failed, `fuzz base ${base} shard ${shard.index}/${shard.count}: ${failed.map((f) => f.error ?? '').join(' / ').slice(0, 200)}`)
    console.log(`fuzz: ${failed.length} propert${failed.length === 1 ? 'y' : 'ies'} failed; ${added} new scenario(s) pinned in test/property/regressions.json`)
    process.exitCode = 1
  } else {
    console.log(`fuzz: all ${props.length} properties held for ${runs} runs each`)
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 2
})
