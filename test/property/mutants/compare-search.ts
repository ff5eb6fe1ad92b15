// npm run compare:search [-- --only NAME[,NAME]] [--time 60s] [--reps 3] [--jobs 2]
//   [--steps N --peers N --cores N --duration T]
// Random seeds against `fuzz --guided`, on every planted bug the simulator can reach
// (sim-reach.ts): per bug and repetition, one `corestore-sim fuzz` of each kind with the
// same --time and --jobs, the bug switched on by preload.ts, stopping at the first
// failure (not shrunk: only the time to it is compared). Repetition r starts both from
// seed 1 + r * 1,000,003, so repetitions differ and both kinds draw the same fresh
// seeds. Prints per bug the time to first failure of each kind in each repetition, then
// `guided vs random: found G vs R of N, median time to failure Tg s vs Tr s`: a bug
// counts as found when any repetition found it; the median is over the hunts that found
// their bug (a hunt that did not is censored at --time, counted in the table).
import { spawn } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { MUTANTS } from '.'
import { MUTANT_ENV } from './preload'
import { parseFlags } from '../harness/replay-line'
import { HUNT_ARGS, SIM_UNREACHABLE } from './sim-reach'

const ROOT = path.join(__dirname, '..', '..', '..')
const CLI = path.join(ROOT, 'src', 'sim', 'cli', 'main.js')
const PRELOAD = path.join(__dirname, 'preload.js')
const SCENARIO_FLAGS = ['steps', 'peers', 'cores', 'duration']

type Mode = 'random' | 'guided'

interface Hunt {
  /** Real time to the first failure, in ms; null: none within --time. */
  foundMs: number | null
  runs: number
  error: string | null
}

function hunt (mutant: string, mode: Mode, rep: number, flags: Map<string, string>, out: string): Promise<Hunt> {
  const args = [
    '--require', PRELOAD, CLI, 'fuzz', '--no-progress', '--json', '--no-shrink',
    '--seeds', `${1 + rep * 1_000_003}..${2 ** 32 - 1}`,
    '--time', flags.get('time') ?? '60s',
    '--jobs', flags.get('jobs') ?? String(os.availableParallelism()),
    '--out', out,
    ...(mode === 'guided' ? ['--guided'] : []),
    ...SCENARIO_FLAGS.flatMap((f) => flags.has(f) ? [`--${f}`, flags.get(f) as string] : []),
    ...(HUNT_ARGS[mutant] ?? [])
  ]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, [MUTANT_ENV]: mutant } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    child.on('error', reject)
    child.on('close', (code) => {
      try {
        const json = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { seeds: number, failures: Array<{ foundMs: number }> }
        resolve({ foundMs: json.failures[0]?.foundMs ?? null, runs: json.seeds, error: null })
      } catch {
        resolve({ foundMs: null, runs: 0, error: `fuzz exited with ${String(code)}: ${stderr.trim().split('\n').pop() ?? ''}` })
      }
    })
  })
}

function median (xs: readonly number[]): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] as number : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

function secs (ms: number | null): string {
  return ms === null ? '-' : (ms / 1000).toFixed(1)
}

function pad (s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length)
}

function cell (h: Hunt): string {
  return h.error !== null ? 'ERROR' : h.foundMs === null ? `miss(${h.runs})` : `${secs(h.foundMs)}s(${h.runs})`
}

async function main (): Promise<void> {
  const flags = parseFlags(process.argv.slice(2))
  const only = flags.get('only')?.split(',') ?? null
  const reps = Number(flags.get('reps') ?? '3')
  if (!Number.isInteger(reps) || reps < 1) throw new RangeError('--reps must be a positive integer')
  const mutants = MUTANTS.filter((m) => SIM_UNREACHABLE[m.name] === undefined && (only === null || only.includes(m.name)))
  if (only !== null) for (const name of only) if (!mutants.some((m) => m.name === name)) throw new RangeError(`--only ${name}: not a planted bug the simulator can reach`)
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'corestore-sim-compare-'))
  const extra = SCENARIO_FLAGS.filter((f) => flags.has(f)).map((f) => `--${f} ${flags.get(f) as string}`).join(' ')
  console.log(`compare:search: ${mutants.length} planted bugs x ${reps} repetitions x (random, guided), --time ${flags.get('time') ?? '60s'} --jobs ${flags.get('jobs') ?? os.availableParallelism()}${extra === '' ? '' : ` ${extra}`}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores`)
  const results = new Map<string, Record<Mode, Hunt[]>>()
  for (const m of mutants) {
    const row: Record<Mode, Hunt[]> = { random: [], guided: [] }
    for (let rep = 0; rep < reps; rep++) {
      // Alternate which goes first, so a load change on the shared machine falls on both.
      const order: Mode[] = rep % 2 === 0 ? ['random', 'guided'] : ['guided', 'random']
      for (const mode of order) {
        const h = await hunt(m.name, mode, rep, flags, path.join(out, `${m.name}-${mode}-${rep}`))
        row[mode].push(h)
        process.stderr.write(`  ${m.name} ${mode} rep ${rep + 1}: ${cell(h)}${h.error === null ? '' : ` ${h.error}`}\n`)
      }
    }
    results.set(m.name, row)
  }
  console.log('')
  console.log('time to first failure in s (runs); miss(runs): none within --time')
  console.log(`${pad('planted bug', 36)}${pad('random', 30)}${pad('guided', 30)}`)
  for (const [name, row] of results) console.log(`${pad(name, 36)}${pad(row.random.map(cell).join(' '), 30)}${pad(row.guided.map(cell).join(' '), 30)}`)
  const found = (mode: Mode): number => [...results.values()].filter((r) => r[mode].some((h) => h.foundMs !== null)).length
  const times = (mode: Mode): number[] => [...results.values()].flatMap((r) => r[mode].flatMap((h) => h.foundMs === null ? [] : [h.foundMs]))
  const hunts = (mode: Mode): string => `${times(mode).length}/${results.size * reps} hunts`
  console.log('')
  console.log(`hunts that found their bug: guided ${hunts('guided')}, random ${hunts('random')}`)
  console.log(`guided vs random: found ${found('guided')} vs ${found('random')} of ${results.size}, median time to failure ${secs(median(times('guided')))} s vs ${secs(median(times('random')))} s`)
  fs.rmSync(out, { recursive: true, force: true })
  if ([...results.values()].some((r) => [...r.random, ...r.guided].some((h) => h.error !== null))) process.exitCode = 1
}

main().catch((err: unknown) => {
  console.error(err instanceof RangeError ? `compare:search: ${err.message}` : err)
  process.exitCode = 2
})
