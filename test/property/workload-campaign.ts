// npm run campaign:workloads -- [--seeds 1..20] [--workloads hyperbee,autobase] [--stores project,upstream] [--jobs 2] [--peers 8] [--faults a,b]
// The workload campaign the issue targets: each workload on each store, one default-size
// run (8 peers, 16 cores, 300 steps, 10 virtual minutes) per seed, through the built CLI
// (`dist/`), `--jobs` at a time. Prints one line per run and a table of violations, real
// time and speedup per (workload, store); exit code 1 if any run found a violation.
import { spawn } from 'child_process'
import os from 'os'
import path from 'path'
import { parseFlags } from './harness/replay-line'

const CLI = path.join(__dirname, '..', '..', '..', 'dist', 'sim', 'cli', 'main.js')

interface Run {
  workload: string
  store: string
  seed: number
  code: number | null
  violations: number
  realMs: number
  virtualMs: number
  ops: string
  error: string
}

function seedsOf (text: string): number[] {
  const m = /^(\d+)\.\.(\d+)$/.exec(text)
  if (m !== null) return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i)
  return text.split(',').map(Number)
}

function runOne (workload: string, store: string, seed: number, peers: string, faults: string | undefined): Promise<Run> {
  return new Promise((resolve, reject) => {
    const args = [CLI, 'run', '--seed', String(seed), '--peers', peers, '--workload', workload, '--store', store, '--json', '--no-progress', ...(faults === undefined ? [] : ['--faults', faults])]
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    child.on('error', reject)
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? ''
      try {
        const j = JSON.parse(last) as { violations: unknown[], realMs: number, virtualMs: number, operations: Record<string, { runs: number, ok: number }> }
        const ops = Object.values(j.operations)
        resolve({ workload, store, seed, code, violations: j.violations.length, realMs: j.realMs, virtualMs: j.virtualMs, ops: `${ops.reduce((n, c) => n + c.ok, 0)}/${ops.reduce((n, c) => n + c.runs, 0)}`, error: '' })
      } catch {
        resolve({ workload, store, seed, code, violations: -1, realMs: 0, virtualMs: 0, ops: '-', error: err.trim().split('\n')[0] ?? '' })
      }
    })
  })
}

async function main (): Promise<void> {
  const flags = parseFlags(process.argv.slice(2))
  const seeds = seedsOf(flags.get('seeds') ?? '1..20')
  const workloads = (flags.get('workloads') ?? 'hyperbee,autobase').split(',')
  const stores = (flags.get('stores') ?? 'project,upstream').split(',')
  const jobs = Number(flags.get('jobs') ?? '2')
  const peers = flags.get('peers') ?? '8'
  // Default: the fault kinds each seed draws (disk faults included).
  const faults = flags.get('faults')
  console.log(`campaign: seeds ${seeds[0]}..${seeds[seeds.length - 1]}, workloads ${workloads.join(',')}, stores ${stores.join(',')}, ${peers} peers, faults ${faults ?? 'drawn'}, ${jobs} at a time; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  const queue = workloads.flatMap((w) => stores.flatMap((s) => seeds.map((seed) => ({ w, s, seed }))))
  const runs: Run[] = []
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      const r = await runOne(job.w, job.s, job.seed, peers, faults)
      runs.push(r)
      console.log(`${r.workload} ${r.store} seed ${r.seed}: exit ${String(r.code)}, ${r.violations} violations, ops ok ${r.ops}, real ${(r.realMs / 1000).toFixed(2)} s, speedup ${(r.virtualMs / Math.max(1, r.realMs)).toFixed(1)}x${r.error === '' ? '' : `, ${r.error}`}`)
    }
  }
  await Promise.all(Array.from({ length: jobs }, worker))
  console.log('')
  console.log('workload    store     runs  violations  real s (mean / max)  speedup (mean)')
  let bad = 0
  for (const w of workloads) {
    for (const s of stores) {
      const mine = runs.filter((r) => r.workload === w && r.store === s)
      const violations = mine.reduce((n, r) => n + Math.max(0, r.violations), 0)
      const broken = mine.filter((r) => r.violations < 0).length
      bad += violations + broken
      const real = mine.map((r) => r.realMs / 1000)
      const mean = real.reduce((a, b) => a + b, 0) / Math.max(1, real.length)
      const speed = mine.reduce((n, r) => n + r.virtualMs / Math.max(1, r.realMs), 0) / Math.max(1, mine.length)
      console.log(`${w.padEnd(12)}${s.padEnd(10)}${String(mine.length).padEnd(6)}${`${violations}${broken > 0 ? ` (+${broken} broken)` : ''}`.padEnd(12)}${`${mean.toFixed(2)} / ${Math.max(...real).toFixed(2)}`.padEnd(21)}${speed.toFixed(1)}x`)
    }
  }
  console.log(`load at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  if (bad > 0) process.exitCode = 1
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 2
})
