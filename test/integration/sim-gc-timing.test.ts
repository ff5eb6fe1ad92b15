// GC timing (src/sim/checks/gc-timing.ts): every GC close falls within the interval its
// strikes allow, and a store that closes a strike early is caught (invariant gc-timing).
import test from 'brittle'
import { gcOneStrikeEarly } from '../property/mutants/gc-one-strike-early'
import { createSim } from './sim-helpers'
import type { Teardown } from '../helpers/create'

async function gcRun (t: Teardown): Promise<{ details: string[], collected: number }> {
  const sim = await createSim(t, { seed: 7, peers: 2, cores: 2 })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 2 })
  await sim.apply({ kind: 'open-session', peer: 1, core: 0 })
  await sim.apply({ kind: 'close-session', peer: 1, core: 0 })
  await sim.apply({ kind: 'advance', ms: 30_000 })
  const details = sim.violations.filter((v) => v.invariant === 'gc-timing').map((v) => v.detail)
  return { details, collected: sim.peers.reduce((n, p) => n + p.collected, 0) }
}

test('gc timing: every GC close of our store is on time', async (t) => {
  const { details, collected } = await gcRun(t)
  t.ok(collected > 0, `GC closed ${collected} core(s)`)
  t.alike(details, [], 'none early or late')
})

test('gc timing: a store that closes one strike early is caught', async (t) => {
  const restore = gcOneStrikeEarly.apply()
  t.teardown(restore)
  const { details } = await gcRun(t)
  restore()
  t.ok(details.length > 0 && details.every((d) => /^GC closed a core 1\d{3} ms after it went idle, outside \[2000, 3000\] ms \(4 strikes, 1000 ms period\)$/.test(d)), `caught: ${details.join(' | ')}`)
})
