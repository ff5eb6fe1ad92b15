import fs from 'fs'
import path from 'path'
import { CASES, findCase } from './cases'
import { runChild } from './spawn-child'
import { reportCase, type BenchReport, type CaseReport } from './results'
import { machineInfo } from './machine'
import { markdownTable, textTable } from './table'
import { writeBenchChart } from './chart'
import { IMPLS, type Impl } from './store-impl'
import type { ChildOutput } from './child'

/** Rounds per implementation in a full run. */
const DEFAULT_ROUNDS = 5

interface Args {
  rounds: number
  only: Set<string> | null
}

/**
 * Orchestrator of `npm run bench`: runs every case in child processes, our store and
 * upstream alternating (the first of each pair swaps every round), then prints the
 * table and writes bench/results.json, bench/RESULTS.md and the chart bench/RESULTS.svg.
 *
 * Flags: --quick (one round), --rounds N, --case id[,id...]
 */
async function main (argv: string[]): Promise<void> {
  const args = parseArgs(argv)
  const started = Date.now()
  const cases = CASES.filter((c) => args.only === null || args.only.has(c.id))
  const reports: CaseReport[] = []

  for (const bench of cases) {
    const outputs: ChildOutput[] = []
    for (let round = 0; round < args.rounds; round++) {
      const order: Impl[] = round % 2 === 0 ? [...IMPLS] : [...IMPLS].reverse()
      for (const impl of order) {
        const t0 = Date.now()
        const output = await runChild(bench, impl).catch((err: unknown): ChildOutput => {
          // One crashed or hung child must not throw away the rest of a 5-minute run.
          process.stderr.write(`${String(err)}\n`)
          return { case: bench.id, impl, unavailable: `failed: ${String(err).split('\n')[0] ?? ''}` }
        })
        outputs.push(output)
        const status = 'unavailable' in output ? `unavailable (${output.unavailable})` : `${((Date.now() - t0) / 1000).toFixed(1)} s`
        process.stderr.write(`[${bench.id}] round ${round + 1}/${args.rounds} ${impl.padEnd(8)} ${status}\n`)
      }
      // A case nobody can run needs no more rounds.
      if (outputs.every((o) => 'unavailable' in o)) break
    }
    reports.push(reportCase(bench, outputs))
  }

  const report: BenchReport = {
    date: new Date().toISOString(),
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
    rounds: args.rounds,
    method: 'Each case runs in a fresh child process per implementation and round, on fresh storage folders; ' +
      'our store and upstream alternate, swapping which goes first every round.',
    upstream: `corestore ${upstreamVersion()}`,
    machine: machineInfo(),
    totalSeconds: (Date.now() - started) / 1000,
    cases: reports
  }
  const text = textTable(report)
  process.stdout.write('\n' + text + '\n')
  const dir = path.join(__dirname, '..', '..', 'bench')
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(report, null, 2) + '\n')
  fs.writeFileSync(path.join(dir, 'RESULTS.md'), markdownTable(report) + '\n')
  writeBenchChart(report, dir)
  process.stderr.write(`\nwrote bench/results.json, bench/RESULTS.md and bench/RESULTS.svg in ${report.totalSeconds.toFixed(0)} s\n`)
}

function parseArgs (argv: string[]): Args {
  const args: Args = { rounds: DEFAULT_ROUNDS, only: null }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--quick') args.rounds = 1
    else if (arg === '--rounds') args.rounds = positiveInt(argv[++i])
    else if (arg === '--case') args.only = new Set((argv[++i] ?? '').split(',').map((id) => findCase(id).id))
    else throw new Error(`Unknown argument ${JSON.stringify(arg)}; use --quick, --rounds N, --case id[,id]`)
  }
  return args
}

function positiveInt (value: string | undefined): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new Error(`--rounds takes a positive integer, got ${JSON.stringify(value)}`)
  return n
}

function upstreamVersion (): string {
  const pkg = JSON.parse(fs.readFileSync(require.resolve('corestore/package.json'), 'utf8')) as { version: string }
  return pkg.version
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
