// npm run bench:signal [-- --seeds 1..8] [--steps 300] [--rounds 2]
// What the novelty signal of `fuzz --guided` (src/sim/search/signal.ts) costs: runs the
// same seeds in one process with and without it, alternating (ABBA per seed, so load
// drift on a shared machine falls on both), and prints seeds per second of each and
// the cost. Also checks that the signal changes nothing: equal trace hashes both ways.
import os from 'os'
import { runJob, type SimJob } from '../src/sim/cli/jobs'
import { parseSeeds } from '../src/sim/cli/fuzz-args'
import { parseFlags } from '../test/property/harness/replay-line'

async function timed (job: SimJob): Promise<{ ms: number, hash: string, features: number }> {
  const t0 = performance.now()
  const r = await runJob(job)
  return { ms: performance.now() - t0, hash: r.traceHash, features: r.signal?.length ?? 0 }
}

async function main (): Promise<void> {
  const flags = parseFlags(process.argv.slice(2))
  const { first, last } = parseSeeds(flags.get('seeds') ?? '1..8')
  const steps = Number(flags.get('steps') ?? '300')
  const rounds = Number(flags.get('rounds') ?? '2')
  const job = (seed: number, signal: boolean): SimJob => ({ kind: 'seed', args: { seed, peers: 8, cores: 16, steps, durationMs: 600_000, store: 'project' }, workload: null, trace: null, lite: true, signal })
  let off = 0
  let on = 0
  let runs = 0
  let features = 0
  let differ = 0
  // A first run warms the JIT: not counted.
  await timed(job(first, false))
  for (let round = 0; round < rounds; round++) {
    for (let seed = first; seed <= last; seed++) {
      const order = (seed + round) % 2 === 0 ? [false, true] : [true, false]
      const got: Record<string, { ms: number, hash: string, features: number }> = {}
      for (const signal of order) got[String(signal)] = await timed(job(seed, signal))
      const a = got.false as { ms: number, hash: string }
      const b = got.true as { ms: number, hash: string, features: number }
      off += a.ms
      on += b.ms
      features += b.features
      runs++
      if (a.hash !== b.hash) differ++
    }
  }
  const rate = (ms: number): string => (runs / (ms / 1000)).toFixed(3)
  console.log(`signal cost: ${runs} runs each way (seeds ${first}..${last} x ${rounds}, ${steps} steps, 1 process); load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  console.log(`  without signal: ${rate(off)} seeds/s (${(off / runs).toFixed(0)} ms per run)`)
  console.log(`  with signal:    ${rate(on)} seeds/s (${(on / runs).toFixed(0)} ms per run), ${(features / runs).toFixed(0)} features per run`)
  console.log(`  cost: ${(((on - off) / off) * 100).toFixed(1)}% of run time; traces that differ: ${differ}`)
  if (differ > 0) process.exitCode = 1
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 2
})
