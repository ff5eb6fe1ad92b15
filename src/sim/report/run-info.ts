import { replayCommand } from '../trace/summary'
import { formatMs } from './page/format'

/** Fields of a trace's `sim` or `scenario` line. */
export type LineFields = Readonly<Record<string, unknown>>

/**
 * The options table of a report, from the trace's `sim` and `scenario` lines, then
 * `extra` (name → value), which replaces rows of the same name.
 */
export function optionRows (sim: LineFields, scenario: LineFields, extra: Readonly<Record<string, unknown>> = {}): Array<[string, string]> {
  const rows = new Map<string, string>()
  if (sim.seed !== undefined) rows.set('seed', String(sim.seed))
  if (sim.store !== undefined) rows.set('store', String(sim.store))
  if (sim.peers !== undefined) rows.set('peers', String(sim.peers))
  if (sim.cores !== undefined) rows.set('cores', String(sim.cores))
  if (scenario.steps !== undefined) rows.set('steps', String(scenario.steps))
  if (typeof scenario.durationMs === 'number') rows.set('duration of the fault phase', formatMs(scenario.durationMs))
  if (scenario.faults !== undefined) {
    const rates = Object.entries(scenario.faults as Record<string, number>).map(([k, r]) => `${k} ${(r * 100).toFixed(1)}%`).join(', ')
    rows.set(`faults ${scenario.drawn === false ? 'given' : 'drawn from the seed'} (share of steps)`, rates.length > 0 ? rates : 'none')
  }
  if (typeof scenario.links === 'number') rows.set('links at start', String(scenario.links))
  if (Array.isArray(sim.gc)) rows.set('GC', `every ${String(sim.gc[0])} ms, ${String(sim.gc[1])} strikes`)
  else if (sim.gc !== undefined) rows.set('GC', String(sim.gc))
  for (const [name, value] of Object.entries(extra)) rows.set(name, typeof value === 'string' ? value : JSON.stringify(value))
  return [...rows.entries()]
}

/**
 * The `run` command line that replays the traced run, or null. Only a scenario
 * generated from its seed (`generated` in the scenario line) replays with `run --seed`;
 * a given one (edited, shrunk) needs the replay command of whoever wrote it.
 */
export function replayFromTrace (sim: LineFields, scenario: LineFields): string | null {
  const { seed, peers, cores, store } = sim
  const { durationMs } = scenario
  // `run --steps` counts the steps it draws besides the api steps it mixes in.
  const steps = scenario.baseSteps ?? scenario.steps
  if (scenario.generated !== true || typeof seed !== 'number' || typeof peers !== 'number' || typeof cores !== 'number' ||
    typeof steps !== 'number' || typeof durationMs !== 'number') return null
  const faults = scenario.drawn === false ? Object.keys((scenario.faults ?? {}) as Record<string, number>) : undefined
  const features = scenario.featuresGiven === true ? Object.keys((scenario.features ?? {}) as Record<string, number>) : undefined
  return replayCommand({ seed, peers, cores, steps, durationMs, store: String(store), ...(faults === undefined ? {} : { faults }), ...(features === undefined ? {} : { features }) })
}
