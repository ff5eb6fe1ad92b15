// The simulator's disks: latency in virtual time, the disk queue's order, the three disk
// faults (each biting, then lifting), how their draws leave the other draws alone, and
// determinism with all of it on.
import test from 'brittle'
import {
  DISK_FAULT_KINDS, FAULT_KINDS, Prng, SimDisk, VirtualClock, blockContent, drawDiskProfile,
  generateScenario, runScenario, runSteps, type FaultKind
} from '../../src/sim'
import { createSim, peer, traced } from './sim-helpers'

const KEEP = { trace: { keepLines: true } }

test('disk: a disk serves its operations in order; latency, jitter and stalls only delay them', (t) => {
  const clock = new VirtualClock({ startMs: 0 })
  clock.install()
  t.teardown(() => clock.uninstall())
  const disk = new SimDisk(0, '/d', { readLatencyMs: 1, writeLatencyMs: 5, jitterMs: 10, stallProbability: 0.05, stallMsMax: 2000 }, new Prng(3), clock)
  const db = {}
  let last = 0
  let ordered = true
  let slowest = 0
  for (let i = 0; i < 2000; i++) {
    const { dueMs, error } = disk.plan(i % 3 === 0 ? 'write' : 'read', db)
    if (dueMs < last || error !== null) ordered = false
    slowest = Math.max(slowest, dueMs - last)
    last = dueMs
    if (i % 50 === 0) clock.setTimeout(() => {}, 10)
    if (i % 50 === 0) clock.fireNext()
  }
  t.ok(ordered, 'due times never go back (a queue), and nothing failed')
  t.ok(disk.stats.stalls > 20, `${disk.stats.stalls} stalls`)
  t.ok(slowest >= 200, `the longest stall held the queue ${slowest} ms`)
  const perfect = new SimDisk(1, '/e', drawDiskProfile(new Prng(0)), new Prng(0), clock)
  t.ok(perfect.plan('write', db).dueMs >= clock.now(), 'drawn profiles work too')
})

test('disk: slow storage takes virtual time while timers and the network go on', async (t) => {
  const sim = await createSim(t, { seed: 1, peers: 2, cores: 2, disks: [{ writeLatencyMs: 400 }, {}], ...KEEP })
  const before = sim.clock.elapsedMs
  t.ok((await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 1 })).ok)
  const slow = sim.clock.elapsedMs - before
  t.ok(slow >= 400, `an append on a 400 ms disk took ${slow} ms of virtual time`)
  const mid = sim.clock.elapsedMs
  t.ok((await sim.apply({ kind: 'append', peer: 1, core: 1, blocks: 1 })).ok)
  t.is(sim.clock.elapsedMs, mid, 'an append on a perfect disk takes none')

  // A reader fetches from the slow writer while its disk is busy with another append.
  let ticks = 0
  const timer = setInterval(() => { ticks++ }, 100)
  const session = peer(sim, 0).tempSession(sim.catalog.get(0))
  // Not driven by itself: the get step below drives the whole simulation.
  const appending = session.ready().then(() => session.append(blockContent('core-0', 1)))
  const got = await sim.apply({ kind: 'get', peer: 1, core: 0, index: 0 })
  t.ok((await sim.drive(appending)).state === 'resolved', 'the slow append finished')
  clearInterval(timer)
  t.ok(got.ok, 'the reader got block 0 meanwhile')
  t.ok(ticks >= 4, `a 100 ms timer fired ${ticks} times during the slow append`)
  await sim.drive(session.close())
  t.alike(await sim.close(), [])
})

test('disk: disk-error fails writes unapplied, the database then refuses writes, and the lift restarts the peer', async (t) => {
  const sim = await createSim(t, { seed: 2, peers: 2, cores: 1, ...KEEP })
  t.ok((await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 2 })).ok)
  await sim.apply({ kind: 'disk-error', peer: 0, durationMs: 5000 })
  const failed = await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 1 })
  t.alike([failed.ok, failed.code], [false, 'EIO'], 'the append fails with the disk\'s code')
  t.ok(sim.disks.get(0).readOnly, 'the database refuses writes from now on')
  t.ok((await sim.apply({ kind: 'get', peer: 0, core: 0, index: 1 })).ok, 'reads still work')
  t.ok((await sim.apply({ kind: 'get', peer: 1, core: 0, index: 1 })).ok, 'and the peer still serves its blocks')

  await sim.apply({ kind: 'advance', ms: 5000 })
  t.ok(traced(sim, 'recover').some((e) => e.p === 0), 'the lift restarted the peer')
  t.absent(sim.disks.get(0).readOnly)
  const resumed = await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 1 })
  t.alike([resumed.ok, resumed.value], [true, 3], 'the failed block was never written; appends work again')
  t.is(sim.faults['disk-error'], 1)
  t.alike(await sim.close(), [])
})

test('disk: disk-full fails with ENOSPC and lasts until healed without a duration', async (t) => {
  const sim = await createSim(t, { seed: 3, peers: 1, cores: 1, links: 'none', ...KEEP })
  await sim.apply({ kind: 'disk-full', peer: 0 })
  t.is((await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 2 })).code, 'ENOSPC')
  await sim.apply({ kind: 'advance', ms: 60_000 })
  t.is((await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 2 })).code, 'ENOSPC', 'still full a minute later')
  await sim.apply({ kind: 'heal' })
  t.alike((await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 2 })).value, 2, 'healed: lifted and restarted')
  t.ok(traced(sim, 'dfail').every((e) => e.code === 'ENOSPC'))
  t.alike(await sim.close(), [])
})

test('disk: read-error fails the next reads once each', async (t) => {
  const sim = await createSim(t, { seed: 4, peers: 1, cores: 1, links: 'none' })
  t.ok((await sim.apply({ kind: 'open-session', peer: 0, core: 0 })).ok)
  t.ok((await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 3 })).ok)
  const session = peer(sim, 0).session(0)
  await sim.apply({ kind: 'read-error', peer: 0, reads: 1 })
  // Blocks 0-2 are cached by nobody: each get reads the disk.
  const first = await sim.drive((session as NonNullable<typeof session>).get(0, { wait: false }))
  t.is(first.state, 'rejected', 'the first read fails')
  t.is((first as { error?: { code?: string } }).error?.code, 'EIO')
  t.ok((await sim.apply({ kind: 'get', peer: 0, core: 0, index: 0 })).ok, 'the next read works')
  t.is(sim.disks.get(0).stats.failedReads, 1)
  t.alike(await sim.close(), [])
})

test('disk: disk fault kinds draw apart, so a profile without them is drawn as before', (t) => {
  const network = FAULT_KINDS.filter((k) => !DISK_FAULT_KINDS.includes(k as never)) as FaultKind[]
  for (let seed = 0; seed < 10; seed++) {
    const without = generateScenario({ seed, steps: 200, faults: network })
    const withDisk = generateScenario({ seed, steps: 200, faults: FAULT_KINDS })
    for (const k of network) t.is(withDisk.faultProfile.rates[k], without.faultProfile.rates[k], `seed ${seed}: ${k} rate unchanged`)
    t.alike(withDisk.disks, without.disks, `seed ${seed}: same disk profiles`)
    t.absent(without.steps.some((s) => DISK_FAULT_KINDS.includes(s.kind as never)))
  }
  const drawn = Array.from({ length: 30 }, (_, seed) => generateScenario({ seed, steps: 10 }))
  t.ok(drawn.some((s) => Object.keys(s.faultProfile.rates).some((k) => DISK_FAULT_KINDS.includes(k as never))), 'some seeds draw disk faults')
  t.ok(drawn.some((s) => !Object.keys(s.faultProfile.rates).some((k) => DISK_FAULT_KINDS.includes(k as never))), 'some do not')
  const perfect = generateScenario({ seed: 1, disks: 'perfect' }).disks ?? []
  t.ok(perfect.every((d) => d.writeLatencyMs === 0 && d.stallProbability === 0))
})

test('disk: with slow disks and every disk fault, same seed, same trace', { timeout: 180_000 }, async (t) => {
  const opts = { seed: 11, peers: 4, cores: 4, steps: 80, durationMs: 60_000, faults: FAULT_KINDS }
  const first = await runScenario(opts)
  const second = await runScenario(opts)
  t.is(first.traceHash, second.traceHash)
  t.alike(first.violations, [])
  t.ok(first.disk.operations > 100, `${first.disk.operations} disk operations`)
  t.alike(first.disk, second.disk)
})

test('disk: upstream corestore cannot close after a core failed to open (ours can)', { timeout: 60_000 }, async (t) => {
  // Read error while p0 opens c1 by key; then restart p0 (clean close, reopen).
  const steps = [
    { kind: 'read-error', peer: 0 },
    { kind: 'get', peer: 0, core: 1, index: 0 },
    { kind: 'restart', peer: 0 }
  ] as const
  const run = (store: 'project' | 'upstream'): ReturnType<typeof runSteps> => runSteps([...steps], { seed: 0, peers: 3, cores: 3, store })
  const ours = await run('project')
  const theirs = await run('upstream')
  t.alike(ours.results.map((r) => r.code ?? 'ok'), ['ok', 'EIO', 'ok'], 'ours: the get fails, the restart works')
  t.alike(ours.violations, [])
  t.alike(theirs.results.map((r) => r.code ?? 'ok'), ['ok', 'EIO', 'EIO'], 'upstream: close() rejects with the stale open error')
  t.ok(theirs.violations.some((v) => /File descriptor could not be locked|not closed/.test(v.detail)), 'and leaves the folder locked')
})
