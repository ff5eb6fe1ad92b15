// Shared helpers of the simulator's tests (test/integration/sim-*.test.ts).
import type { EventEmitter } from 'events'
import { Sim, type SimOptions, type Peer } from '../../src/sim'
import type { Teardown } from '../helpers/create'

/** A simulation closed when the test ends (close is idempotent: a test may close it first). */
export async function createSim (t: Teardown, opts: SimOptions): Promise<Sim> {
  const sim = await Sim.create(opts)
  t.teardown(() => sim.close())
  return sim
}

/** Peer `i`, which must exist. */
export function peer (sim: Sim, i: number): Peer {
  const p = sim.peers[i]
  if (p === undefined) throw new Error(`no peer ${i}`)
  return p
}

/** The running store of peer `i` as an event emitter (the project store emits `gc`). */
export function emitter (sim: Sim, i: number): EventEmitter {
  return peer(sim, i).requireStore() as unknown as EventEmitter
}

/** Trace lines of one kind, parsed. */
export function traced (sim: Sim, kind: string): Array<Record<string, unknown>> {
  const lines = sim.trace.lines
  if (lines === null) throw new Error('create the sim with trace: { keepLines: true }')
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.k === kind)
}
