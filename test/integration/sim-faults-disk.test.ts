// Issue 21's disk faults: bit rot (`corrupt-read`) and power loss (`power-loss`). Each
// check is shown holding on the real stack, then failing with its planted bug switched on
// (test/property/mutants: audit-blind, replica-keeps-rotten-copy, power-loss-loses-synced,
// bitfield-never-stored), and the new kinds are shown to draw apart from the old ones.
import test from 'brittle'
import { FAULT_KINDS, generateScenario, type FaultKind, type Sim, type Violation } from '../../src/sim'
import { findMutant } from '../property/mutants'
import { createSim, peer, traced } from './sim-helpers'
import type { Teardown } from '../helpers/create'

const KEEP = { trace: { keepLines: true } }
const ONE_CORE = [{ name: 'core-0', owner: 0 }]

/** Runs `fn` with a planted bug switched on (none: the real stack), and restores it. */
async function withMutant<T> (name: string | null, fn: () => Promise<T>): Promise<T> {
  const restore = name === null ? null : findMutant(name).apply()
  try {
    return await fn()
  } finally {
    restore?.()
  }
}

/**
 * Peer 0 owns a core of 3 blocks, peer 1 holds block 1, then peer 0's disk rots block
 * records (sticky). Peer 0's own get of block 1 returns the rotten copy (hypercore
 * trusts its disk: tolerated, counted); peer 2 gets block 1 right; the heal audits peer
 * 0 and converges, comparing every block.
 */
async function rotScenario (t: Teardown): Promise<{ sim: Sim, violations: Violation[], own: { ok: boolean, code?: string }, remote: { ok: boolean } }> {
  const sim = await createSim(t, { seed: 5, peers: 3, cores: ONE_CORE, links: 'mesh', ...KEEP })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 3 })
  await sim.apply({ kind: 'get', peer: 1, core: 0, index: 1 })
  await sim.apply({ kind: 'corrupt-read', peer: 0, target: 'block', sticky: true })
  const own = await sim.apply({ kind: 'get', peer: 0, core: 0, index: 1 })
  const remote = await sim.apply({ kind: 'get', peer: 2, core: 0, index: 1 })
  await sim.converge(60_000)
  const violations = await sim.close()
  return { sim, violations, own, remote }
}

test('corrupt-read: rot reaches the rotten peer\'s own app only; a replica gets the block right; audit() reports it', { timeout: 60_000 }, async (t) => {
  const { sim, violations, own, remote } = await rotScenario(t)
  t.alike([own.ok, own.code], [false, 'WRONG_BLOCK'], 'the owner\'s get returns its rotten copy')
  t.is(sim.disks.get(0).stats.rotServed, 1, 'tolerated once, counted')
  t.ok(remote.ok, 'a replica\'s get is right')
  t.alike(traced(sim, 'audit').map((e) => [e.p, e.checked, e.missed]), [[0, 1, 0]], 'the heal audited the rotten core, and audit() reported it')
  t.ok(traced(sim, 'rot').some((e) => e.p === 0 && e.target === 'block' && e.sticky === true), 'the rot is traced')
  t.alike(violations, [])
})

test('corrupt-read: planted audit-blind (audit() reports nothing) is caught as rot-unreported', { timeout: 60_000 }, async (t) => {
  const { violations } = await withMutant('audit-blind', () => rotScenario(t))
  t.ok(violations.some((v) => v.invariant === 'rot-unreported' && v.peer === 0), violations.map((v) => v.invariant).join(', '))
})

test('corrupt-read: planted replica-keeps-rotten-copy (bad bytes past verification) is caught', { timeout: 60_000 }, async (t) => {
  const { violations } = await withMutant('replica-keeps-rotten-copy', () => rotScenario(t))
  const caught = violations.filter((v) => (v.invariant === 'convergence' && /reads back other bytes/.test(v.detail)) || v.invariant === 'wrong-block')
  t.ok(caught.length > 0, `caught: ${violations.map((v) => `${v.invariant}: ${v.detail}`).join('; ')}`)
})

/**
 * Peer 0 appends 2 blocks, a sync point passes (40 s: they are at most 30 s apart), it
 * appends 1 more and loses power at once: the folder goes back to the 2 synced blocks.
 * The restart must find them (and only whole appends), with an audit()-clean core.
 */
async function powerScenario (t: Teardown): Promise<{ sim: Sim, violations: Violation[], restart: { ok: boolean, code?: string } }> {
  const sim = await createSim(t, { seed: 6, peers: 2, cores: ONE_CORE, links: 'none', ...KEEP })
  sim.disks.trackDurability()
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 2 })
  await sim.apply({ kind: 'advance', ms: 40_000 })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 1 })
  await sim.apply({ kind: 'power-loss', peer: 0 })
  const restart = await sim.apply({ kind: 'restart', peer: 0 })
  const violations = await sim.close()
  return { sim, violations, restart }
}

test('power-loss: the folder goes back to the last sync point; the synced blocks survive, the store is whole', { timeout: 60_000 }, async (t) => {
  const { sim, violations, restart } = await powerScenario(t)
  t.alike(traced(sim, 'power').map((e) => [e.p, e.restored, e.unsynced]), [[0, true, 1]], 'the unsynced append was lost (1 block, tolerated)')
  t.ok(restart.ok, 'the restart found the synced blocks')
  t.is(sim.disks.get(0).stats.unsynced, 1, 'counted')
  t.is(peer(sim, 0).acked.get(0), 2, 'the model now expects the 2 synced blocks')
  t.alike(violations, [])
})

test('power-loss: planted power-loss-loses-synced is caught as acknowledged-append-lost', { timeout: 60_000 }, async (t) => {
  const { violations, restart } = await withMutant('power-loss-loses-synced', () => powerScenario(t))
  t.is(restart.code, 'DURABILITY')
  t.ok(violations.some((v) => v.invariant === 'acknowledged-append-lost'), violations.map((v) => v.invariant).join(', '))
})

test('power-loss: planted bitfield-never-stored is caught as torn-state by the audit after the restart', { timeout: 60_000 }, async (t) => {
  const { violations } = await withMutant('bitfield-never-stored', () => powerScenario(t))
  t.ok(violations.some((v) => v.invariant === 'torn-state'), violations.map((v) => v.invariant).join(', '))
})

test('issue 21 disk faults draw apart: forcing them leaves every other kind\'s rate as it was', (t) => {
  const later = ['corrupt-read', 'power-loss'] as FaultKind[]
  const others = FAULT_KINDS.filter((k) => !later.includes(k))
  for (let seed = 0; seed < 10; seed++) {
    const without = generateScenario({ seed, steps: 200, faults: others })
    const withLater = generateScenario({ seed, steps: 200, faults: FAULT_KINDS })
    const longer = generateScenario({ seed, steps: 2000, faults: FAULT_KINDS })
    for (const k of others) t.is(withLater.faultProfile.rates[k], without.faultProfile.rates[k], `seed ${seed}: ${k} rate unchanged`)
    t.absent(without.steps.some((s) => later.includes(s.kind as FaultKind)))
    t.ok(later.every((k) => longer.steps.some((s) => s.kind === k)), `seed ${seed}: forced, both are drawn`)
  }
  const drawn = Array.from({ length: 30 }, (_, seed) => Object.keys(generateScenario({ seed, steps: 10 }).faultProfile.rates))
  t.ok(drawn.some((k) => k.includes('corrupt-read')) && drawn.some((k) => k.includes('power-loss')), 'some seeds draw them')
  t.ok(drawn.some((k) => !k.includes('corrupt-read') && !k.includes('power-loss')), 'some do not')
})
