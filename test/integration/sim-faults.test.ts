// One test per fault kind, through the simulator with our store. Each shows the fault
// biting (an operation fails or is slowed) and then lifting.
import test from 'brittle'
import { blockContent } from '../../src/sim'
import { createSim, peer, traced } from './sim-helpers'

const FAST = { stepTimeoutMs: 2000, trace: { keepLines: true } }

test('faults: disconnect cuts a link until lifted', async (t) => {
  const sim = await createSim(t, { seed: 1, peers: 2, cores: 1, ...FAST })
  t.ok((await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 3 })).ok)

  await sim.apply({ kind: 'disconnect', a: 0, b: 1, durationMs: 5000 })
  t.absent(sim.network.link(0, 1)?.connected)
  const cut = await sim.apply({ kind: 'get', peer: 1, core: 0, index: 2 })
  t.is(cut.ok, false)
  t.is(cut.code, 'REQUEST_TIMEOUT', 'the reader cannot reach the writer')

  await sim.apply({ kind: 'advance', ms: 5000 })
  t.ok(sim.network.link(0, 1)?.connected, 'lifted after 5 s')
  const back = await sim.apply({ kind: 'get', peer: 1, core: 0, index: 2 })
  t.ok(back.ok)
  t.is(back.value, blockContent('core-0', 2).byteLength)
  t.is(sim.faults.disconnect, 1)
  t.ok(traced(sim, 'lift').some((e) => e.f === 'disconnect'))
  t.alike(await sim.close(), [])
})

test('faults: partition isolates a side; the other side still relays among itself', async (t) => {
  const sim = await createSim(t, { seed: 2, peers: 3, cores: 1, ...FAST })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 2 })
  t.ok((await sim.apply({ kind: 'get', peer: 1, core: 0, index: 0 })).ok, 'peer 1 now has block 0')

  await sim.apply({ kind: 'partition', side: [0] })
  t.absent(sim.network.link(0, 1)?.connected)
  t.absent(sim.network.link(0, 2)?.connected)
  t.ok(sim.network.link(1, 2)?.connected)
  t.ok((await sim.apply({ kind: 'get', peer: 2, core: 0, index: 0 })).ok, 'block 0 comes from peer 1')
  t.is((await sim.apply({ kind: 'get', peer: 2, core: 0, index: 1 })).code, 'REQUEST_TIMEOUT', 'block 1 is behind the partition')

  const healed = await sim.converge(60_000)
  t.ok(healed.ok, 'every holder converges once healed')
  t.ok(healed.checked >= 2)
  t.alike(await sim.close(), [])
})

test('faults: stall holds traffic until it ends', async (t) => {
  const sim = await createSim(t, { seed: 3, peers: 2, cores: 1, stepTimeoutMs: 20_000, trace: { keepLines: true } })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 1 })
  const stalledAt = sim.clock.elapsedMs
  await sim.apply({ kind: 'stall', a: 0, b: 1, durationMs: 7000 })
  const got = await sim.apply({ kind: 'get', peer: 1, core: 0, index: 0 })
  t.ok(got.ok, 'the get waits out the stall')
  t.ok(got.atMs >= stalledAt + 7000, `answered at ${got.atMs - stalledAt} ms, after the stall`)
  // Messages already on the wire when the stall began (latency <= 45 ms here) still land.
  const during = traced(sim, 'd').filter((e) => (e.t as number) > stalledAt + 100 && (e.t as number) < stalledAt + 7000)
  t.is(during.length, 0, 'nothing sent during the stall was delivered during it')
  t.ok(traced(sim, 'd').some((e) => (e.t as number) >= stalledAt + 7000), 'held messages were delivered after it')
  t.alike(await sim.close(), [])
})

test('faults: slow limits a transfer to the link bandwidth', async (t) => {
  const blocks = 20
  const bytes = Array.from({ length: blocks }, (_, i) => blockContent('core-0', i).byteLength).reduce((a, b) => a + b, 0)
  const bandwidth = 2000
  const timed = async (slow: boolean): Promise<number> => {
    const sim = await createSim(t, { seed: 4, peers: 2, cores: 1, stepTimeoutMs: 60_000 })
    await sim.apply({ kind: 'append', peer: 0, core: 0, blocks })
    if (slow) await sim.apply({ kind: 'slow', a: 0, b: 1, bandwidthBytesPerSec: bandwidth })
    const start = sim.clock.elapsedMs
    const done = await sim.apply({ kind: 'download', peer: 1, core: 0, start: 0, end: blocks })
    t.ok(done.ok, `download ${slow ? 'over the slow link' : 'at full speed'}`)
    const took = done.atMs - start
    t.alike(await sim.close(), [])
    return took
  }
  const fast = await timed(false)
  const slow = await timed(true)
  t.ok(slow >= (bytes * 1000) / bandwidth, `${bytes} bytes took ${slow} ms at ${bandwidth} B/s`)
  t.ok(fast < slow / 10, `full speed took ${fast} ms`)
})

test('faults: crash drops the process state and keeps every acknowledged append', async (t) => {
  const sim = await createSim(t, { seed: 5, peers: 2, cores: 1, ...FAST })
  await sim.apply({ kind: 'open-session', peer: 0, core: 0 })
  t.is((await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 4 })).value, 4)

  t.ok((await sim.apply({ kind: 'crash', peer: 0 })).ok)
  t.is(peer(sim, 0).state, 'crashed')
  t.is(peer(sim, 0).sessions.size, 0, 'sessions died with the process')
  t.is((await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 1 })).code, 'PEER_DOWN')
  t.absent(sim.network.link(0, 1)?.connected)

  const restarted = await sim.apply({ kind: 'restart', peer: 0 })
  t.ok(restarted.ok, 'durability check passed')
  t.is((await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 1 })).value, 5, 'appends continue from the acknowledged length')
  t.ok((await sim.apply({ kind: 'get', peer: 1, core: 0, index: 4 })).ok, 'links came back')
  t.is(sim.faults.crash, 1)
  t.alike(await sim.close(), [])
})

test('faults: crash with downMs restarts by itself; the durability check can fail', async (t) => {
  const sim = await createSim(t, { seed: 6, peers: 1, cores: 1, links: 'none', ...FAST })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 2 })
  await sim.apply({ kind: 'crash', peer: 0, downMs: 3000 })
  await sim.apply({ kind: 'advance', ms: 3000 })
  t.is(peer(sim, 0).state, 'up', 'restarted after 3 s')
  t.is(sim.violations.length, 0)

  // Claim one more block was acknowledged than was written: the check must notice.
  await sim.apply({ kind: 'crash', peer: 0 })
  peer(sim, 0).ack(0, 3)
  const restarted = await sim.apply({ kind: 'restart', peer: 0 })
  t.is(restarted.code, 'DURABILITY')
  t.alike(sim.violations.map((v) => v.invariant), ['acknowledged-append-lost'])
})

test('faults: restart closes cleanly and reopens from the same folder', async (t) => {
  const sim = await createSim(t, { seed: 7, peers: 2, cores: 2, ...FAST })
  await sim.apply({ kind: 'append', peer: 1, core: 1, blocks: 3 })
  await sim.apply({ kind: 'open-session', peer: 1, core: 1 })
  const before = peer(sim, 1).store
  t.ok((await sim.apply({ kind: 'restart', peer: 1 })).ok)
  t.not(peer(sim, 1).store, before, 'a new store')
  t.ok(before?.closed, 'the old one closed cleanly')
  t.is(peer(sim, 1).sessions.size, 0)
  t.is((await sim.apply({ kind: 'append', peer: 1, core: 1, blocks: 1 })).value, 4)
  t.ok((await sim.apply({ kind: 'get', peer: 0, core: 1, index: 3 })).ok)
  t.is(sim.faults.restart, 1)
  t.alike(await sim.close(), [])
})
