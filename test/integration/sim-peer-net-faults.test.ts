// The one-way link and sleeping-peer faults, through the simulator with our store. Each
// shows the fault biting in the direction (or on the peer) it names and not elsewhere,
// then lifting. Planted bugs: test/property/mutants/one-way-both-ways.ts and
// resume-does-nothing.ts make this file fail (mutants.test checks it does).
import test from 'brittle'
import { blockContent, checkStep, describeStep, generateScenario, renumberStep, simplerSteps, stepPeers, type Sim, type Step } from '../../src/sim'
import { createSim, peer, traced } from './sim-helpers'
import { collectReport, renderReport } from '../../src/sim/report'
import { parseTrace } from '../../src/sim/trace/reader'
import { COLORS } from '../../src/sim/report/styles'
import { Prng } from '../../src/sim/random/prng'
import { drawPeerNetRates, insertPeerNetFaults } from '../../src/sim/scenario/peer-net-faults'

const TRACED = { trace: { keepLines: true } }

/** Deliveries on direction `label` (`0>1`) strictly inside (from, to) of virtual time. */
function delivered (sim: Sim, label: string, from: number, to: number): number {
  return traced(sim, 'd').filter((e) => e.l === label && (e.t as number) > from && (e.t as number) < to).length
}

test('one-way stall: what a sends b is held, what b sends a flows', async (t) => {
  const sim = await createSim(t, { seed: 3, peers: 2, cores: 1, stepTimeoutMs: 20_000, ...TRACED })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 1 })
  const at = sim.clock.elapsedMs
  t.ok((await sim.apply({ kind: 'one-way', from: 0, to: 1, mode: 'stall', durationMs: 7000 })).ok)
  const got = await sim.apply({ kind: 'get', peer: 1, core: 0, index: 0 })
  t.ok(got.ok, 'the get waits out the one-way stall')
  t.ok(got.atMs >= at + 7000, `answered at ${got.atMs - at} ms, after the stall`)
  // Messages already on the wire when it began (latency <= 45 ms here) still land.
  t.is(delivered(sim, '0>1', at + 100, at + 7000), 0, 'nothing 0 sent during the stall reached 1 during it')
  t.ok(delivered(sim, '1>0', at, at + 7000) > 0, '1 reached 0 meanwhile: only one direction stalled')
  t.is(sim.faults['one-way'], 1)
  t.ok(traced(sim, 'lift').some((e) => e.f === 'one-way'))
  t.alike(await sim.close(), [])
})

test('one-way drop: the direction is blackholed, the link is reset when it lifts', async (t) => {
  const sim = await createSim(t, { seed: 1, peers: 2, cores: 1, stepTimeoutMs: 2000, ...TRACED })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 3 })
  const at = sim.clock.elapsedMs
  await sim.apply({ kind: 'one-way', from: 0, to: 1, mode: 'drop', durationMs: 5000 })
  const cut = await sim.apply({ kind: 'get', peer: 1, core: 0, index: 2 })
  t.is(cut.code, 'REQUEST_TIMEOUT', 'the reader never hears the writer')
  t.ok((sim.network.link(0, 1)?.dropped(0) ?? 0) > 0, 'messages from 0 were dropped')
  t.is(sim.network.link(0, 1)?.dropped(1), 0, 'none from 1')
  t.ok(delivered(sim, '1>0', at, at + 5000) > 0, 'the reader\'s requests reached the writer')
  await sim.apply({ kind: 'advance', ms: 5000 })
  t.ok(traced(sim, 'link-down').some((e) => typeof e.why === 'string' && e.why.endsWith(' reset')), 'the broken connection was reset')
  t.ok(sim.network.link(0, 1)?.connected, 'and came back')
  const back = await sim.apply({ kind: 'get', peer: 1, core: 0, index: 2 })
  t.ok(back.ok, 'the get works on the new connection')
  t.is(back.value, blockContent('core-0', 2).byteLength)
  t.alike(await sim.close(), [])
})

test('one-way slow: only the slowed direction is slow', async (t) => {
  const blocks = 20
  const bytes = Array.from({ length: blocks }, (_, i) => blockContent('core-0', i).byteLength).reduce((a, b) => a + b, 0)
  const bandwidth = 2000
  const timed = async (from: number, to: number): Promise<number> => {
    const sim = await createSim(t, { seed: 4, peers: 2, cores: 1, stepTimeoutMs: 60_000 })
    await sim.apply({ kind: 'append', peer: 0, core: 0, blocks })
    await sim.apply({ kind: 'one-way', from, to, mode: 'slow', bandwidthBytesPerSec: bandwidth })
    const start = sim.clock.elapsedMs
    const done = await sim.apply({ kind: 'download', peer: 1, core: 0, start: 0, end: blocks })
    t.ok(done.ok, `download with ${from}->${to} slowed`)
    t.alike(await sim.close(), [])
    return done.atMs - start
  }
  const slowData = await timed(0, 1)
  const slowRequests = await timed(1, 0)
  t.ok(slowData >= (bytes * 1000) / bandwidth, `${bytes} bytes took ${slowData} ms with the data direction at ${bandwidth} B/s`)
  t.ok(slowRequests < slowData / 4, `${slowRequests} ms with only the request direction slowed`)
})

/** Counts the calls of a store's suspend() and resume(). */
function countSuspends (sim: Sim, i: number): { suspend: number, resume: number } {
  const store = peer(sim, i).requireStore() as unknown as { suspend: () => Promise<void>, resume: () => Promise<void> }
  const counts = { suspend: 0, resume: 0 }
  const suspend = store.suspend.bind(store)
  const resume = store.resume.bind(store)
  store.suspend = async () => { counts.suspend++; await suspend() }
  store.resume = async () => { counts.resume++; await resume() }
  return counts
}

test('sleep: suspended, nothing in or out, no steps; wakes, resumes and catches up', async (t) => {
  const sim = await createSim(t, { seed: 5, peers: 3, cores: 1, stepTimeoutMs: 5000, ...TRACED })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 2 })
  t.ok((await sim.apply({ kind: 'get', peer: 1, core: 0, index: 1 })).ok)
  await sim.apply({ kind: 'open-session', peer: 1, core: 0 })
  const calls = countSuspends(sim, 1)
  const at = sim.clock.elapsedMs
  t.ok((await sim.apply({ kind: 'sleep', peer: 1, durationMs: 120_000 })).ok)
  t.alike(calls, { suspend: 1, resume: 0 }, 'the app suspended its store')
  t.alike(sim.violations.map((v) => v.invariant), [], 'falling asleep broke nothing: its session keeps its core')
  t.is((await sim.apply({ kind: 'get', peer: 1, core: 0, index: 0 })).code, 'PEER_ASLEEP', 'no step runs on a sleeping peer')
  t.is((await sim.apply({ kind: 'append', peer: 1, core: 0, blocks: 1 })).code, 'PEER_ASLEEP')
  t.is((await sim.apply({ kind: 'sleep', peer: 1 })).code, 'PEER_ASLEEP', 'a sleeper does not fall asleep again')
  t.is((await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 3 })).value, 5, 'the writer appends on meanwhile')
  await sim.apply({ kind: 'advance', ms: 60_000 })
  t.ok(peer(sim, 1).asleep !== null, 'still asleep after a minute')
  const quiet = delivered(sim, '1>0', at + 100, at + 120_000) + delivered(sim, '1>2', at + 100, at + 120_000) +
    delivered(sim, '0>1', at, at + 120_000) + delivered(sim, '2>1', at, at + 120_000)
  await sim.apply({ kind: 'advance', ms: 60_000 })
  t.is(peer(sim, 1).asleep, null, 'awake after two minutes')
  t.alike(calls, { suspend: 1, resume: 1 }, 'the app resumed its store once')
  t.is(quiet, 0, 'nothing sent or received while asleep')
  t.ok(delivered(sim, '0>2', at, at + 120_000) > 0, 'the others talked meanwhile')
  const got = await sim.apply({ kind: 'get', peer: 1, core: 0, index: 4 })
  t.ok(got.ok, 'it catches up after waking')
  t.is(sim.faults.sleep, 1)
  t.ok(traced(sim, 'wake').length === 1)
  const healed = await sim.converge(60_000)
  t.ok(healed.ok, 'every holder converges')
  t.alike(await sim.close(), [])
})

test('sleep: the heal wakes a peer that sleeps with no end; a crash takes a sleeper', async (t) => {
  const sim = await createSim(t, { seed: 6, peers: 3, cores: 1, stepTimeoutMs: 5000, ...TRACED })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 1 })
  t.ok((await sim.apply({ kind: 'get', peer: 1, core: 0, index: 0 })).ok)
  t.ok((await sim.apply({ kind: 'get', peer: 2, core: 0, index: 0 })).ok)
  const calls = countSuspends(sim, 1)
  await sim.apply({ kind: 'sleep', peer: 1 })
  await sim.apply({ kind: 'sleep', peer: 2 })
  // A crash in its sleep: the process dies asleep, and comes back awake.
  t.ok((await sim.apply({ kind: 'crash', peer: 2, inflightAppend: { core: 0, blocks: 1, afterStorageOps: 0 } })).ok)
  t.is(peer(sim, 2).asleep, null)
  t.ok(traced(sim, 'wake').some((e) => e.p === 2 && e.dies === true))
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 2 })
  await sim.apply({ kind: 'advance', ms: 300_000 })
  t.ok(peer(sim, 1).asleep !== null, 'asleep until healed')
  const healed = await sim.converge(60_000)
  t.is(peer(sim, 1).asleep, null, 'the heal woke it')
  t.alike(calls, { suspend: 1, resume: 1 })
  t.ok(healed.ok, 'and it caught up')
  t.alike(await sim.close(), [])
})

test('report: one-way and sleep are bands of their own colour, a sleeper\'s lane shows it asleep', async (t) => {
  const sim = await createSim(t, { seed: 2, peers: 3, cores: 1, stepTimeoutMs: 2000, ...TRACED })
  await sim.apply({ kind: 'one-way', from: 0, to: 1, mode: 'stall', durationMs: 3000 })
  await sim.apply({ kind: 'sleep', peer: 2, durationMs: 10_000 })
  await sim.apply({ kind: 'advance', ms: 10_000 })
  t.alike(await sim.close(), [])
  const events = parseTrace((sim.trace.lines ?? []).join('\n'))
  const data = collectReport(events)
  const html = renderReport(data)
  t.alike(data.faults.map((f) => [f.f, f.ended]), [['one-way', 'lift'], ['sleep', 'lift']], 'each band ends at its lift')
  t.is(data.faults[0]?.link, '0-1', 'the one-way band is on its link')
  t.alike(data.states.map((s) => [s.p, s.state, s.to - s.from]), [[2, 'asleep', 10_000]], 'the sleeper\'s lane is asleep until it wakes')
  t.ok(html.includes('class="band fault f-one-way') && html.includes('class="band fault f-sleep'))
  t.ok(html.includes(`.band.f-one-way, .lfault.f-one-way, .pshade.f-one-way { fill: ${COLORS['one-way']}; }`), 'one-way has its colour')
  t.ok(html.includes(`.band.f-sleep, .lfault.f-sleep, .pshade.f-sleep { fill: ${COLORS.sleep}; }`), 'sleep has its colour')
  t.ok(html.includes(`<span style="--c:${COLORS['one-way']}">one-way</span>`) && html.includes(`<span style="--c:${COLORS.sleep}">sleep (asleep)</span>`), 'both in the legend')
  t.is(data.unknownKinds.length, 0, 'every line is known (wake included)')
})

test('one-way and sleep steps: checked, described', (t) => {
  const ok: Step[] = [
    { kind: 'one-way', from: 0, to: 1, mode: 'drop', durationMs: 1000 },
    { kind: 'one-way', from: 1, to: 0, mode: 'slow', bandwidthBytesPerSec: 10 },
    { kind: 'sleep', peer: 1, durationMs: 60_000 },
    { kind: 'sleep', peer: 0 }
  ]
  for (const step of ok) t.execution(() => checkStep(step, 2, 1))
  t.exception.all(() => checkStep({ kind: 'one-way', from: 1, to: 1, mode: 'stall' }, 2, 1), /^RangeError: one-way: a link needs two peers/)
  t.exception.all(() => checkStep({ kind: 'one-way', from: 0, to: 2, mode: 'stall' }, 2, 1), /^RangeError: one-way: no peer 2/)
  t.exception.all(() => checkStep({ kind: 'one-way', from: 0, to: 1, mode: 'lose' } as unknown as Step, 2, 1), /^RangeError: one-way: bad mode lose/)
  t.exception.all(() => checkStep({ kind: 'one-way', from: 0, to: 1, mode: 'slow' }, 2, 1), /^RangeError: one-way: bad bandwidthBytesPerSec/)
  t.exception.all(() => checkStep({ kind: 'one-way', from: 0, to: 1, mode: 'drop', bandwidthBytesPerSec: 5 }, 2, 1), /^RangeError: one-way: bandwidthBytesPerSec is for mode slow/)
  t.exception.all(() => checkStep({ kind: 'sleep', peer: 0, durationMs: -1 }, 2, 1), /^RangeError: sleep: bad durationMs -1/)
  t.exception.all(() => checkStep({ kind: 'sleep', peer: 3 }, 2, 1), /^RangeError: sleep: no peer 3/)
  t.alike(ok.map(describeStep), ['one-way drop p0->p1 for 1000ms', 'one-way slow p1->p0 to 10B/s', 'sleep p1 for 60000ms', 'sleep p0'])
})

test('one-way and sleep steps shrink: renumbered with their peers, simpler variants end', (t) => {
  const oneWay: Step = { kind: 'one-way', from: 2, to: 0, mode: 'drop', durationMs: 40_000 }
  const sleep: Step = { kind: 'sleep', peer: 2, durationMs: 240_000 }
  t.alike([stepPeers(oneWay), stepPeers(sleep)], [[2, 0], [2]])
  const drop1 = (p: number): number | null => p === 1 ? null : p > 1 ? p - 1 : p
  t.alike(renumberStep(oneWay, drop1, (c) => c), { ...oneWay, from: 1, to: 0 })
  t.alike(renumberStep(sleep, drop1, (c) => c), { ...sleep, peer: 1 })
  t.is(renumberStep(sleep, (p) => p === 2 ? null : p, (c) => c), null, 'gone with its peer')
  for (const step of [oneWay, sleep]) {
    const seen = new Set<string>()
    let frontier: Step[] = [step]
    for (let depth = 0; frontier.length > 0 && depth < 40; depth++) {
      frontier = frontier.flatMap(simplerSteps).filter((v) => !seen.has(JSON.stringify(v)))
      for (const v of frontier) { seen.add(JSON.stringify(v)); checkStep(v, 3, 1) }
    }
    t.is(frontier.length, 0, `${step.kind}: variants end (${seen.size})`)
  }
  t.alike(simplerSteps(oneWay).map(describeStep), ['one-way drop p2->p0 for 1000ms', 'one-way drop p2->p0 for 20000ms', 'one-way stall p2->p0 for 40000ms'], 'shorter, then milder')
})

test('one-way and sleep join the drawn mix apart: inserted among the other steps, which stay as they were', (t) => {
  const base: Step[] = Array.from({ length: 100 }, (_, i) => ({ kind: 'advance', ms: i }))
  const mixed = insertPeerNetFaults(new Prng(7).fork('faults-2'), base, { 'one-way': 0.05, sleep: 0.02 }, { peers: 3, links: [[0, 1], [1, 2]] })
  t.alike(mixed.filter((s) => s.kind === 'advance'), base, 'the other steps, in order')
  t.is(mixed.filter((s) => s.kind === 'one-way').length, 5)
  t.is(mixed.filter((s) => s.kind === 'sleep').length, 2)
  let without = 0
  for (let seed = 1; seed <= 20; seed++) {
    const rates = drawPeerNetRates(new Prng(seed).fork('faults-2'), undefined)
    const scenario = generateScenario({ seed, steps: 100 })
    const drawn = scenario.steps.filter((s) => s.kind === 'one-way' || s.kind === 'sleep').length
    t.is(drawn > 0, Object.keys(rates).length > 0, `seed ${seed}: new kinds in the steps exactly when drawn`)
    if (drawn === 0) without++
  }
  t.ok(without > 0 && without < 20, `${20 - without} of 20 seeds drew one-way or sleep`)
  const forced = generateScenario({ seed: 8, steps: 200, faults: ['one-way', 'sleep'] })
  t.ok(forced.steps.some((s) => s.kind === 'one-way') && forced.steps.some((s) => s.kind === 'sleep'), '--faults one-way,sleep forces both')
  t.ok(forced.steps.every((s) => !['disconnect', 'partition', 'stall', 'slow', 'crash', 'restart'].includes(s.kind)), 'and nothing else')
  for (const s of forced.steps) checkStep(s, forced.peers, forced.cores.length)
})
