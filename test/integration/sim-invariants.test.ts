// The invariants must be able to fail: each test breaks one on purpose.
import test from 'brittle'
import { Corestore } from '../../src/store/corestore'
import { createSim, peer } from './sim-helpers'

test('invariants: a session opened behind the model is a session-count violation', async (t) => {
  const sim = await createSim(t, { seed: 1, peers: 1, cores: 1, links: 'none' })
  t.alike(sim.check().violations, [], 'clean to begin with')
  // Straight from the store: the peer's temporary sessions are counted by the model.
  const stray = peer(sim, 0).requireStore().get(peer(sim, 0).getOptions(sim.catalog.get(0)))
  await sim.drive(stray.ready())
  const found = sim.check().violations
  t.ok(found.length >= 1)
  t.ok(found.every((v) => v.invariant === 'session-count' && v.peer === 0 && v.core === 0))
  t.ok(found.some((v) => /model 0/.test(v.detail)))
  await sim.drive(stray.close())
  t.alike(sim.check().violations, [], 'clean again once closed')
})

test('invariants: a modelled session closed behind the model is caught', async (t) => {
  const sim = await createSim(t, { seed: 2, peers: 1, cores: 1, links: 'none' })
  await sim.apply({ kind: 'open-session', peer: 0, core: 0 })
  const session = peer(sim, 0).session(0)
  t.ok(session)
  await sim.drive((session as NonNullable<typeof session>).close())
  const names = new Set(sim.check().violations.map((v) => v.invariant))
  t.ok(names.has('core-closed-under-session'))
  t.ok(names.has('session-count'))
})

test('invariants: a timer left behind is reported by close()', async (t) => {
  const sim = await createSim(t, { seed: 3, peers: 1, cores: 1, links: 'none' })
  setTimeout(() => {}, 60_000) // on the virtual clock: never fired, never cleared
  const violations = await sim.close()
  t.alike(violations.map((v) => [v.invariant, v.detail]), [['left-open', '1 timer(s) still pending']])
})

test('invariants: convergence is bounded in virtual time', async (t) => {
  const sim = await createSim(t, { seed: 4, peers: 2, cores: 1 })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 10 })
  await sim.apply({ kind: 'open-session', peer: 1, core: 0 })
  await sim.apply({ kind: 'slow', a: 0, b: 1, bandwidthBytesPerSec: 100 })
  const failed = await sim.converge(1)
  t.absent(failed.ok, 'cannot converge in 1 ms')
  t.is(failed.violations[0]?.invariant, 'convergence')
  t.is(failed.violations[0]?.peer, 1)
  const passed = await sim.converge(30_000)
  t.ok(passed.ok, 'converges with time (heal also lifted the slow link)')
  t.is(passed.checked, 1)
})

test('invariants: the session model follows open and close steps', async (t) => {
  const sim = await createSim(t, { seed: 5, peers: 2, cores: 2 })
  await sim.apply({ kind: 'open-session', peer: 1, core: 0 })
  await sim.apply({ kind: 'open-session', peer: 1, core: 0 })
  t.is((await sim.apply({ kind: 'close-session', peer: 1, core: 1 })).code, 'NO_SESSION')
  const snap = sim.snapshot()
  const core0 = snap.peers[1]?.cores.find((c) => c.core === 0)
  t.alike(core0 && { sessions: core0.sessions, storeSessions: core0.storeSessions, open: core0.open }, { sessions: 2, storeSessions: 2, open: true })
  await sim.apply({ kind: 'close-session', peer: 1, core: 0 })
  await sim.apply({ kind: 'close-session', peer: 1, core: 0 })
  t.is(sim.snapshot().peers[1]?.cores.find((c) => c.core === 0)?.sessions, 0)
  t.ok(sim.invariantsChecked > 0)
  t.alike(await sim.close(), [])
})

test('invariants: a store that reuses a core GC is closing fails the GC race', { timeout: 30_000 }, async (t) => {
  // Planted bug: openCore hands out the tracked core even while GC is closing it.
  const proto = Corestore.prototype as unknown as { openCore: (auth: { discoveryKey: Buffer }, opts: unknown) => unknown }
  const openCore = proto.openCore
  proto.openCore = function (this: { cores: { map: Map<string, { closing: unknown }> } }, auth, opts) {
    const tracked = this.cores.map.get(auth.discoveryKey.toString('hex'))
    if (tracked !== undefined && tracked.closing !== null) return tracked
    return openCore.call(this, auth, opts)
  }
  t.teardown(() => { proto.openCore = openCore })

  // Peer 1 opens the core by key, which opens it synchronously: the racing get meets GC's close.
  const sim = await createSim(t, { seed: 1, peers: 2, cores: 1, gcRace: 1, stepTimeoutMs: 1000, peer: { gcIntervalMs: 500, gcStrikes: 2 } })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 2 })
  await sim.apply({ kind: 'get', peer: 1, core: 0, index: 1 })
  await sim.apply({ kind: 'advance', ms: 30_000 })
  proto.openCore = openCore
  const found = new Set((await sim.close()).map((v) => v.invariant))
  t.ok(found.has('gc-race'), `caught: ${[...found].join(', ')}`)
})

test('invariants: with the real store, every GC race gets a working session', { timeout: 30_000 }, async (t) => {
  const sim = await createSim(t, { seed: 1, peers: 2, cores: 3, gcRace: 1, trace: { keepLines: true }, peer: { gcIntervalMs: 500, gcStrikes: 2 } })
  for (const core of [0, 1, 2]) await sim.apply({ kind: 'append', peer: core % 2, core, blocks: 2 })
  await sim.apply({ kind: 'get', peer: 1, core: 0, index: 1 })
  await sim.apply({ kind: 'advance', ms: 30_000 })
  const races = (sim.trace.lines ?? []).filter((l) => l.includes('"k":"race"'))
  t.ok(races.length >= 3, `${races.length} races`)
  t.ok(races.every((l) => l.includes('"ok":true')))
  t.alike(await sim.close(), [])
})
