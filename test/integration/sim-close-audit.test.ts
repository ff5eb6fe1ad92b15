// The end of a run reports what went wrong while closing: errors queued since the last
// check (a close that rejected, a failed recovery) and why a store was left open.
import test from 'brittle'
import { checkClosed, type CheckContext, type Peer } from '../../src/sim'
import { createSim } from './sim-helpers'

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
