import path from 'path'
import type { BenchCase, MetricSpec } from '../case'
import type { Impl } from '../store-impl'

/** Peer counts of the default scenario that the case runs. */
const PEERS = [8, 64] as const
/** Same seed for both stores, so both run the same generated scenario. */
const SEED = 1
/**
 * Upstream's GC is fixed at 2000 ms and 4 strikes, and the simulator's peers default to
 * a 1000 ms interval for stores that can be tuned: give ours upstream's settings, or
 * ours would run twice the GC ticks and the two runs would not do the same work.
 */
const PEER = { gcIntervalMs: 2000, gcStrikes: 4 }

/** The part of the simulator's API this case uses (src/sim/scenario/runner.ts). */
interface SimApi {
  runScenario (opts: { seed: number, peers: number, store: string, peer: typeof PEER }): Promise<{
    virtualMs: number
    realMs: number
    messages: number
    violations: unknown[]
  }>
}

function metrics (): MetricSpec[] {
  return PEERS.flatMap((peers): MetricSpec[] => [
    { key: `speedup${peers}`, label: `${peers} peers: speedup (virtual/real)`, unit: 'x', better: 'higher', target: 1.0 },
    { key: `messagesPerSecond${peers}`, label: `${peers} peers: delivered messages per second`, unit: 'msg/s', better: 'higher', target: 1.0, digits: 0 }
  ])
}

/**
 * The simulator (src/sim) running its default scenario with 8 and with 64 peers, over
 * our store and over upstream (through the simulator's own `upstream` store factory).
 * Real time includes the simulator's set-up and teardown, as its own report does.
 * The scenario is the default one (seed 1); only the GC settings are pinned (see PEER).
 */
export const simulatorCase: BenchCase = {
  id: 'sim',
  title: 'simulator, default scenario',
  metrics: metrics(),
  timeoutMs: 180_000,
  async run ({ impl }) {
    const sim = loadSim()
    if (typeof sim === 'string') return { unavailable: sim }
    const out: Record<string, number> = {}
    const notes: string[] = []
    for (const peers of PEERS) {
      const result = await sim.runScenario({ seed: SEED, peers, store: storeName(impl), peer: PEER })
      out[`speedup${peers}`] = result.virtualMs / result.realMs
      out[`messagesPerSecond${peers}`] = result.messages / (result.realMs / 1000)
      if (result.violations.length > 0) notes.push(`${peers} peers: ${result.violations.length} invariant violations`)
    }
    return { metrics: out, notes }
  }
}

function storeName (impl: Impl): string {
  return impl === 'ours' ? 'project' : 'upstream'
}

/** The simulator module, or why it cannot be used (it is loaded at run time: it may not be built). */
function loadSim (): SimApi | string {
  const file = path.join(__dirname, '..', '..', 'src', 'sim')
  let mod: unknown
  try {
    // Untyped on purpose: the case must compile whether or not src/sim exists yet.
    mod = require(file)
  } catch (err) {
    return `src/sim cannot be loaded (${(err as Error).message.split('\n')[0] ?? ''})`
  }
  const api = mod as Partial<SimApi>
  return typeof api.runScenario === 'function' ? api as SimApi : 'src/sim exports no runScenario()'
}
