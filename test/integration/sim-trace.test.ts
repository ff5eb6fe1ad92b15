import test from 'brittle'
import { createHash } from 'crypto'
import fs from 'fs'
import path from 'path'
import { Trace, firstDifference } from '../../src/sim'
import { tmpDir } from '../helpers/create'
import { createSim, traced } from './sim-helpers'

test('trace: the hash is the SHA-256 of the JSONL file', async (t) => {
  const file = path.join(await tmpDir(t), 'trace.jsonl')
  let now = 0
  const trace = new Trace(() => now, { file, keepLines: true })
  trace.record('a', { x: 1 })
  now = 250
  trace.record('b', { y: [1, 2] })
  trace.close()
  const text = fs.readFileSync(file, 'utf8')
  t.is(text, '{"t":0,"k":"a","x":1}\n{"t":250,"k":"b","y":[1,2]}\n')
  t.is(trace.hash, createHash('sha256').update(text).digest('hex'))
  t.alike(trace.lines, text.trim().split('\n'))
  t.is(trace.count, 2)
})

test('trace: firstDifference names the line and its virtual time', (t) => {
  const a = ['{"t":0,"k":"x"}', '{"t":10,"k":"d","n":5}', '{"t":20,"k":"y"}']
  t.is(firstDifference(a, [...a]), null)
  t.alike(firstDifference(a, [a[0] as string, '{"t":12,"k":"d","n":5}']), { line: 1, atMs: 10, a: a[1], b: '{"t":12,"k":"d","n":5}' })
  t.alike(firstDifference(a, a.slice(0, 2)), { line: 2, atMs: 20, a: a[2], b: null })
})

test('trace: a run records steps, deliveries, lengths, GC and invariant results', async (t) => {
  const sim = await createSim(t, { seed: 3, peers: 2, cores: 1, trace: { keepLines: true } })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 2 })
  await sim.apply({ kind: 'get', peer: 1, core: 0, index: 1 })
  await sim.apply({ kind: 'advance', ms: 60_000 })
  t.is(traced(sim, 'step').length, 3)
  t.alike(traced(sim, 'res').map((e) => e.ok), [true, true, true])
  const deliveries = traced(sim, 'd')
  t.ok(deliveries.length > 0)
  t.ok(deliveries.every((e) => typeof e.n === 'number' && /^[01]>[01]$/.test(e.l as string)), 'sizes and directions, no content')
  t.alike(traced(sim, 'len')[1]?.v, [[0, 0, 2], [1, 0, 2]], 'both peers have length 2 after the get')
  t.ok(traced(sim, 'gc').length >= 1, 'idle cores were collected during the minute')
  t.ok(traced(sim, 'inv').every((e) => e.bad === 0))
})

test('trace: deliveries can be left out', async (t) => {
  const sim = await createSim(t, { seed: 3, peers: 2, cores: 1, trace: { keepLines: true, deliveries: false } })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 2 })
  t.ok((await sim.apply({ kind: 'get', peer: 1, core: 0, index: 1 })).ok)
  t.is(traced(sim, 'd').length, 0)
  t.ok(sim.network.stats().messages > 0, 'messages still counted')
})

test('trace: the run folder, different in every process, is written as <run>', (t) => {
  const trace = new Trace(() => 0, { keepLines: true })
  trace.redact('/tmp/corestore-sim-abc', '<run>')
  trace.record('violation', { detail: 'While reading a block of /tmp/corestore-sim-abc/peer-0 (simulated): EIO' })
  t.is((trace.lines as string[])[0], '{"t":0,"k":"violation","detail":"While reading a block of <run>/peer-0 (simulated): EIO"}')
})
