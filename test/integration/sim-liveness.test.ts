// The simulator's liveness checks (src/sim/liveness.ts) on ours and on upstream, and
// each of them made to fail on purpose.
import test from 'brittle'
import type { SimCore } from '../../src/sim'
import { createSim, peer } from './sim-helpers'

for (const store of ['project', 'upstream']) {
  test(`liveness (${store}): GC liveness holds through dynamic attach, and is checked`, async (t) => {
    const sim = await createSim(t, { seed: 7, peers: 2, cores: 1, store })
    await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 3 })
    await sim.apply({ kind: 'open-session', peer: 1, core: 0 })
    const got = await sim.apply({ kind: 'get', peer: 1, core: 0, index: 2 })
    t.ok(got.ok, 'peer 1 reads from peer 0 (which serves it by dynamic attach)')

    const holding = await sim.checkGcLiveness()
    t.ok(holding.checked >= 2, `${holding.checked} open cores checked: peer 1's, held by its session, and peer 0's, serving it`)
    t.alike(holding.violations, [], 'each is held or serving')

    await sim.apply({ kind: 'close-session', peer: 1, core: 0 })
    const released = await sim.checkGcLiveness()
    t.alike(released.violations, [], 'once the session closes, both stores collect the core')
    const id = sim.catalog.get(0).id
    t.is(peer(sim, 0).requireStore().cores.get(id), null, 'the core peer 0 opened for the remote is gone')
    t.is(peer(sim, 1).requireStore().cores.get(id), null, 'and so is peer 1\'s')
    t.alike(await sim.close(), [], 'no violation in the whole run')
  })
}

test('liveness: a core held open behind the model fails GC liveness', async (t) => {
  const sim = await createSim(t, { seed: 8, peers: 1, cores: 1, links: 'none' })
  const stray = peer(sim, 0).tempSession(sim.catalog.get(0))
  await sim.drive(stray.ready())
  const result = await sim.checkGcLiveness()
  t.alike(result.violations.map((v) => [v.invariant, v.peer, v.core]), [['gc-liveness', 0, 0]], 'the core no modelled session holds is reported')
  await sim.drive(stray.close())
  t.alike((await sim.checkGcLiveness()).violations, [], 'and collected once the stray session closes')
})

test('liveness: a second open core object of one key is reported', async (t) => {
  const sim = await createSim(t, { seed: 9, peers: 1, cores: 1, links: 'none' })
  await sim.apply({ kind: 'open-session', peer: 0, core: 0 })
  const p = peer(sim, 0)
  const core = p.session(0)?.core as SimCore
  // A twin as a store that skipped the wait for the previous core's close would make it.
  const twin = { discoveryKey: core.discoveryKey, opened: true, closed: false, closing: null, ready: () => Promise.resolve() } as unknown as SimCore
  p.observer.core(p.requireStore(), twin)
  await sim.settle()
  const found = sim.check().violations.map((v) => v.invariant)
  t.ok(found.includes('one-core-per-key'), `reported: ${found.join(', ')}`)
  twin.closed = true
})

test('liveness: a core tracked once close() started is reported', async (t) => {
  const sim = await createSim(t, { seed: 10, peers: 1, cores: 1, links: 'none' })
  await sim.apply({ kind: 'open-session', peer: 0, core: 0 })
  const p = peer(sim, 0)
  const store = p.requireStore()
  const core = p.session(0)?.core as SimCore
  p.observer.closing(store)
  p.observer.core(store, core)
  t.ok(sim.violations.some((v) => v.invariant === 'open-after-close' && /after its close\(\) started/.test(v.detail)), 'the late core is reported')
})
