// npm run mutants:sim [-- --only NAME[,NAME]] [--time 60s] [--shrink-time 60s] [--jobs 2] [--pin]
// Hunts every planted bug with the simulator: `corestore-sim fuzz` from seed 1, in
// --jobs processes, each with the bug switched on by preload.ts (never in src/). Prints,
// per bug, the seeds tried, the time to the first failure and the shrunk scenario (an
// app's bug is hunted with that app's workload); the
// last line is `sim mutants: K/N found, median time to failure T s, largest shrunk
// scenario S steps`. With --pin, each shrunk replay file is copied to test/sim-regressions
// (npm test replays it: it must pass on the real store and fail with the bug on).
import { spawn } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { MUTANTS } from '.'
import { MUTANT_ENV } from './preload'
import { parseFlags } from '../harness/replay-line'
import { readReplayFile, writeReplayFile } from '../../../src/sim/shrink/replay-file'
import { runReplay } from '../../../src/sim/cli/replay-tests'
import { HUNT_ARGS, SIM_UNREACHABLE } from './sim-reach'

export { SIM_UNREACHABLE }

/** Targets of issue 12: shrunk to at most this many steps and peers. */
const STEPS_MAX = 15
const PEERS_MAX = 3

const ROOT = path.join(__dirname, '..', '..', '..')
const CLI = path.join(ROOT, 'src', 'sim', 'cli', 'main.js')
const PRELOAD = path.join(__dirname, 'preload.js')
const REGRESSIONS = path.join(ROOT, '..', 'test', 'sim-regressions')

interface FuzzJson {
  seeds: number
  failures: Array<{ seed: number, invariant: string, steps: number | null, peers: number | null, foundMs: number, shrinkMs: number | null, replayFile: string | null }>
  seedsPerSecond: number
  realMs: number
}

interface Row {
  mutant: string
  seeds: number
  foundMs: number | null
  invariant: string | null
  steps: number | null
  peers: number | null
  shrinkMs: number | null
  replayFile: string | null
  error: string | null
}

function hunt (mutant: string, flags: Map<string, string>, out: string): Promise<Row> {
  const args = [
    '--require', PRELOAD, CLI, 'fuzz', '--no-progress', '--json',
    '--seeds', `1..${2 ** 32 - 1}`,
    '--time', flags.get('time') ?? '60s',
    '--shrink-time', flags.get('shrink-time') ?? '60s',
    '--jobs', flags.get('jobs') ?? String(os.availableParallelism()),
    '--out', out,
    ...(HUNT_ARGS[mutant] ?? [])
  ]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, [MUTANT_ENV]: mutant } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      for (const line of d.toString().split('\n')) if (/^(fuzz|seed \d+: shrinking: \d+ steps)/.test(line) && !/shrinking: .*runs/.test(line)) process.stderr.write(`  [${mutant}] ${line}\n`)
    })
    child.on('error', reject)
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? ''
      let json: FuzzJson
      try {
        json = JSON.parse(last) as FuzzJson
      } catch {
        resolve({ mutant, seeds: 0, foundMs: null, invariant: null, steps: null, peers: null, shrinkMs: null, replayFile: null, error: `fuzz exited with ${String(code)}: ${stderr.trim().split('\n').pop() ?? ''}` })
        return
      }
      const f = json.failures[0]
      resolve({
        mutant,
        seeds: json.seeds,
        foundMs: f?.foundMs ?? null,
        invariant: f?.invariant ?? null,
        steps: f?.steps ?? null,
        peers: f?.peers ?? null,
        shrinkMs: f?.shrinkMs ?? null,
        replayFile: f?.replayFile ?? null,
        error: null
      })
    })
  })
}

function pad (s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length)
}

function secs (ms: number | null): string {
  return ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return 0
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] as number : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

async function main (): Promise<void> {
  const flags = parseFlags(process.argv.slice(2))
  const only = flags.get('only')?.split(',') ?? null
  const mutants = only === null ? MUTANTS : MUTANTS.filter((m) => only.includes(m.name))
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'corestore-sim-mutants-'))
  console.log(`sim mutants: ${mutants.length} planted bugs, each hunted by corestore-sim fuzz from seed 1 (--time ${flags.get('time') ?? '60s'}, --shrink-time ${flags.get('shrink-time') ?? '60s'}, --jobs ${flags.get('jobs') ?? os.availableParallelism()}); load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  const rows: Row[] = []
  for (const m of mutants) {
    process.stderr.write(`mutant ${m.name}: ${m.summary}\n`)
    rows.push(await hunt(m.name, flags, path.join(out, m.name)))
  }
  console.log('')
  console.log(`${pad('mutant', 36)}${pad('seeds', 7)}${pad('found after', 13)}${pad('invariant', 27)}${pad('shrunk to', 20)}${pad('shrink time', 13)}`)
  for (const r of rows) {
    const shrunk = r.steps === null ? '-' : `${r.steps} steps, ${r.peers ?? '?'} peers`
    console.log(`${pad(r.mutant, 36)}${pad(String(r.seeds), 7)}${pad(r.foundMs === null ? 'NOT FOUND' : secs(r.foundMs), 13)}${pad(r.invariant ?? '-', 27)}${pad(shrunk, 20)}${pad(secs(r.shrinkMs), 13)}`)
  }
  const found = rows.filter((r) => r.foundMs !== null)
  const missed = rows.filter((r) => r.foundMs === null)
  for (const r of missed) console.log(`not found: ${r.mutant}: ${r.error ?? SIM_UNREACHABLE[r.mutant] ?? 'reachable in principle, but no seed failed within the budget'}`)
  const tooBig = found.filter((r) => (r.steps ?? Infinity) > STEPS_MAX || (r.peers ?? Infinity) > PEERS_MAX)
  if (tooBig.length > 0) console.log(`shrunk past ${STEPS_MAX} steps or ${PEERS_MAX} peers: ${tooBig.map((r) => r.mutant).join(', ')}`)
  if (flags.has('pin')) {
    fs.mkdirSync(REGRESSIONS, { recursive: true })
    for (const r of found) {
      if (r.replayFile === null) continue
      // A sentinel must pass on the real store: a shrink that drifted into a failure of its own is not pinned.
      const real = await runReplay(r.replayFile)
      if (real.result.violations.length > 0) {
        console.log(`not pinned: ${r.mutant}: its shrunk scenario fails on the real store too (${real.result.violations[0]?.invariant ?? '?'})`)
        continue
      }
      // And it must be exact: with the bug on, every replay gives the recorded trace.
      const buggy = { execArgv: ['--require', PRELOAD], env: { ...process.env, [MUTANT_ENV]: r.mutant } }
      const again = await Promise.all([runReplay(r.replayFile, buggy), runReplay(r.replayFile, buggy), runReplay(r.replayFile, buggy)])
      if (again.some((x) => x.result.traceHash !== x.replay.recorded.traceHash)) {
        console.log(`not pinned: ${r.mutant}: its replay is not exact (${new Set(again.map((x) => x.result.traceHash.slice(0, 12))).size} different traces in 3 runs)`)
        continue
      }
      const replay = readReplayFile(r.replayFile)
      replay.note = `sentinel: corestore-sim fuzz finds planted bug ${r.mutant} at seed ${replay.scenario.seed}; passes on the real store`
      writeReplayFile(path.join(REGRESSIONS, `${r.mutant}.json`), replay)
    }
    console.log(`pinned replay files in ${REGRESSIONS}: ${fs.readdirSync(REGRESSIONS).join(', ')}`)
  }
  const unexpected = missed.filter((r) => SIM_UNREACHABLE[r.mutant] === undefined)
  if (unexpected.length > 0 || tooBig.length > 0) process.exitCode = 1
  fs.rmSync(out, { recursive: true, force: true })
  const largest = found.reduce((max, r) => Math.max(max, r.steps ?? 0), 0)
  console.log(`sim mutants: ${found.length}/${rows.length} found, median time to failure ${(median(found.map((r) => r.foundMs as number)) / 1000).toFixed(1)} s, largest shrunk scenario ${largest} steps`)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 2
})
