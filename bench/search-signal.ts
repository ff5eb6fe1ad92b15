// npm run bench:signal [-- --seeds 1..8] [--steps 300] [--rounds 2]
// What the novelty signal of `fuzz --guided` (src/sim/search/signal.ts) costs: runs the
// same seeds in one process with and without it, alternating (ABBA per seed, so load
// drift on a shared machine falls on both), and prints seeds per second of each and
// the cost. On a loaded machine the difference of whole runs is mostly noise, so it also
// times the signal's own work (the trace observer and features()), which load skews far
// less. Also checks that the signal changes nothing: equal trace hashes both ways.
import os from 'os'
import { runScenario } from '../src/sim/scenario/runner'
import { RunSignal } from '../src/sim/search/signal'
import { parseSeeds } from '../src/sim/cli/fuzz-args'
import { parseFlags } from '../test/property/harness/replay-line'

interface Timed { ms: number, hash: string, features: number, signalMs: number }

let signalMs = 0

async function timed (seed: number, steps: number, withSignal: boolean): Promise<Timed> {
  const signal = withSignal ? new RunSignal() : null
  signalMs = 0
  const observer = signal === null
    ? null
    : (kind: string, fields: Readonly<Record<string, unknown>>): void => {
        const t = performance.now()
        signal.observe(kind, fields)
        signalMs += performance.now() - t
      }
  const t0 = performance.now()
  const r = await runScenario({ seed, peers: 8, cores: 16, steps, durationMs: 600_000, store: 'project', trace: { observer } })
  const t1 = performance.now()
  const features = signal?.features().length ?? 0
  signalMs += performance.now() - t1
  return { ms: performance.now() - t0, hash: r.traceHash, features, signalMs }
}

async function main (): Promise<void> {
  const flags = parseFlags(process.argv.slice(2))
  const { first, last } = parseSeeds(flags.get('seeds') ?? '1..8')
  const steps = Number(flags.get('steps') ?? '300')
  const rounds = Number(flags.get('rounds') ?? '2')
  let off = 0
  let own = 0
  let on = 0
  let runs = 0
  let features = 0
  let differ = 0
  // A first run warms the JIT: not counted.
  await timed(first, steps, false)
  for (let round = 0; round < rounds; round++) {
    for (let seed = first; seed <= last; seed++) {
      const order = (seed + round) % 2 === 0 ? [false, true] : [true, false]
      const got: Record<string, Timed> = {}
      for (const signal of order) got[String(signal)] = await timed(seed, steps, signal)
      const a = got.false as Timed
      const b = got.true as Timed
      off += a.ms
      on += b.ms
      own += b.signalMs
      features += b.features
      runs++
      if (a.hash !== b.hash) differ++
    }
  }
  const rate = (ms: number): string => (runs / (ms / 1000)).toFixed(3)
  console.log(`signal cost: ${runs} runs each way (seeds ${first}..${last} x ${rounds}, ${steps} steps, 1 process); load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  console.log(`  without signal: ${rate(off)} seeds/s (${(off / runs).toFixed(0)} ms per run)`)
  console.log(`  with signal:    ${rate(on)} seeds/s (${(on / runs).toFixed(0)} ms per run), ${(features / runs).toFixed(0)} features per run`)
  console.log(`  cost of whole runs: ${(((on - off) / off) * 100).toFixed(1)}% (with signal vs without; noisy under load)`)
  console.log(`  signal's own work: ${(own / runs).toFixed(1)} ms per run = ${((own / on) * 100).toFixed(2)}% of run time; traces that differ: ${differ}`)
  if (differ > 0) process.exitCode = 1
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 2
})
