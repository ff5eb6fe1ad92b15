// The end of a run reports what went wrong while closing: errors queued since the last
// check (a close that rejected, a failed recovery) and why a store was left open.
import test from 'brittle'
import { checkClosed, type CheckContext, type Peer } from '../../src/sim'
import { createSim, peer } from './sim-helpers'

test('close audit: an error queued after the last step is a violation, with or without a workload', async (t) => {
  const sim = await createSim(t, { seed: 1, peers: 2, cores: 1 })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 1 })
  // As lifecycle does when a heal's recovery close rejects: nobody can catch it.
  sim.scheduler.errors.push(Object.assign(new Error('Batch was not applied'), { code: 'EIO' }))
  const violations = await sim.close()
  t.alike(violations.map((v) => [v.invariant, v.detail]), [['uncaught-error', 'EIO: Batch was not applied']])
})

test('close audit: a store left open names why its close failed', (t) => {
  const store = { closed: false, storage: { closed: false } }
  const peer = { index: 3, openStores: new Set([store]), openCores: new Set(), openSessions: new Set(), closeErrors: new WeakMap([[store, Object.assign(new Error('Batch was not applied'), { code: 'ENOSPC' })]]) }
  const ctx = { atMs: 0, step: null, peers: [peer as unknown as Peer] } as unknown as CheckContext
  const out = checkClosed(ctx, { timers: 0, storageOps: 0, immediates: 0 })
  t.alike(out.violations.map((v) => v.detail), ['1 store(s) or storage(s) not closed (its close failed: ENOSPC: Batch was not applied)'])
  peer.closeErrors = new WeakMap()
  t.alike(checkClosed(ctx, { timers: 0, storageOps: 0, immediates: 0 }).violations.map((v) => v.detail), ['1 store(s) or storage(s) not closed'])
})

test('crashed work: "RocksDB session is closed" of the crash step is the dead process\'s (counted); any other step\'s is a violation', async (t) => {
  const sim = await createSim(t, { seed: 1, peers: 2, cores: 1 })
  const p0 = peer(sim, 0)
  const crash = p0.crash.bind(p0)
  // As the crashed peer's app does when it commits in the instant its database closes.
  p0.crash = (...args) => { void Promise.reject(new Error('RocksDB session is closed')); return crash(...args) }
  await sim.apply({ kind: 'crash', peer: 0, downMs: 1000 })
  t.is(sim.crashAbandoned, 1, 'counted')
  t.alike(sim.violations, [], 'not a violation')
  await sim.apply({ kind: 'advance', ms: 5000 })
  const p1 = peer(sim, 1)
  const get = p1.requireStore().get.bind(p1.requireStore())
  p1.requireStore().get = (opts) => { void Promise.reject(new Error('RocksDB session is closed')); return get(opts) }
  await sim.apply({ kind: 'open-session', peer: 1, core: 0 })
  t.alike(sim.violations.map((v) => [v.invariant, v.detail]), [['uncaught-error', 'ERROR: RocksDB session is closed']], 'outside a crash step it is')
})
