import test from 'brittle'
import Hypercore from 'hypercore'
import { create } from '../helpers/create'
import { destroyAll } from '../helpers/replicate'
import { addCore, reopen, seedFolder } from '../helpers/seed'
import type { T } from '../helpers/assert'
import type { ProtocolStream } from '../../src/store/types'

// Who owns a replication stream, replicate() on a stream or a muxer, and several
// stores on one stream.

/** A piped pair of bare hypercore protocol streams, destroyed when the test ends. */
function bareLink (t: T): [ProtocolStream, ProtocolStream] {
  const a = Hypercore.createProtocolStream(true)
  const b = Hypercore.createProtocolStream(false)
  a.pipe(b).pipe(a)
  t.teardown(() => destroyAll([a, b]), { order: -1 })
  return [a, b]
}

test('replication streams: store.close() destroys the streams it made, not external ones', async (t) => {
  const a = await create(t)
  const b = await create(t)
  const [extA, extB] = bareLink(t)
  t.is(a.replicate(extA), extA, 'replicate(stream) returns that stream')
  b.replicate(extB)
  const made = a.replicate(true)
  const madeOther = b.replicate(false)
  made.pipe(madeOther).pipe(made)
  t.teardown(() => destroyAll([madeOther]), { order: -1 })

  const src = a.get({ name: 'x' })
  await src.append('over the external stream')
  const clone = b.get(src.key as Buffer)
  t.alike(await clone.get(0), Buffer.from('over the external stream'), 'replicates')

  await a.close()
  t.ok(made.destroying || made.destroyed, 'the stream a made is destroyed')
  t.absent(extA.destroying, 'the external stream is left to its owner')
})

test('replication streams: replicate(muxer) uses the stream of that muxer', async (t) => {
  const a = await create(t)
  const b = await create(t)
  const [rawA, rawB] = bareLink(t)
  const muxA = Hypercore.getProtocolMuxer(rawA)
  // As hypercore (and upstream) do, the stream of a muxer is its encrypted stream.
  t.is(a.replicate(muxA), rawA.noiseStream, 'returns the muxer\'s stream')
  t.is(b.replicate(Hypercore.getProtocolMuxer(rawB)), rawB.noiseStream, 'on both sides')

  const src = a.get({ name: 'x' })
  await src.append('via muxer')
  const clone = b.get(src.key as Buffer)
  t.alike(await clone.get(0), Buffer.from('via muxer'), 'replicates')
  await a.close()
  t.absent(rawA.destroying, 'a muxer passed in is external too')
})

test('replication streams: two stores sharing one stream both attach stored cores on demand', async (t) => {
  // upstream: protomux keeps one pairing handler, so the second store replaces the first.
  const seedA = await seedFolder(t, 'in-a', ['from a'])
  const seedB = await seedFolder(t, 'in-b', ['from b'])
  // A second core in b's folder that nobody asks for until a has left.
  const laterB = await addCore(seedB.dir, 'later-in-b', ['later from b'])
  const a = reopen(t, seedA)
  const b = reopen(t, seedB)
  const remote = await create(t)
  await Promise.all([a.ready(), b.ready()])

  const [shared, far] = bareLink(t)
  a.replicate(shared)
  b.replicate(shared)
  remote.replicate(far)
  t.is(a.cores.size + b.cores.size, 0, 'nothing open in a or b')

  const cloneA = remote.get(seedA.key)
  const cloneB = remote.get(seedB.key)
  t.alike(await cloneA.get(0), Buffer.from('from a'), 'the first store answered for its core')
  t.alike(await cloneB.get(0), Buffer.from('from b'), 'the second store answered for its core')
  t.ok(a.cores.get(seedA.discoveryKey) !== null && b.cores.get(seedB.discoveryKey) !== null, 'each opened its own')
  t.is(a.cores.get(seedB.discoveryKey), null, 'a did not open b\'s core')
  t.is(b.cores.get(seedA.discoveryKey), null, 'b did not open a\'s core')

  // One store leaving the shared stream must not stop the other's dynamic attach: the
  // remote now asks for a core b has not opened yet, so only b's attach can answer.
  await a.close()
  t.is(b.cores.get(laterB.discoveryKey), null, 'b has not opened its second core')
  const later = remote.get({ key: laterB.key })
  t.alike(await later.get(0, { timeout: 10_000 }), Buffer.from('later from b'), 'b still serves after a closed')
  t.ok(b.cores.get(laterB.discoveryKey) !== null, 'b opened it for the remote')
  t.absent(shared.destroying, 'the shared stream survives a store closing')
})

test('replication streams: one store replicates to several peers at once', async (t) => {
  const hub = await create(t)
  const src = hub.get({ name: 'x' })
  await src.append('to all')
  const peers = [await create(t), await create(t), await create(t)]
  const made: ProtocolStream[] = []
  for (const peer of peers) {
    const s1 = hub.replicate(true)
    const s2 = peer.replicate(false)
    s1.pipe(s2).pipe(s1)
    made.push(s1, s2)
  }
  t.teardown(() => destroyAll(made), { order: -1 })
  t.is(hub.streamTracker.size, 3, 'three streams tracked')
  const reads = await Promise.all(peers.map((p) => p.get(src.key as Buffer).get(0)))
  t.ok(reads.every((r) => r !== null && r.equals(Buffer.from('to all'))), 'every peer got the block')
  await hub.close()
  t.ok(made.filter((_, i) => i % 2 === 0).every((s) => s.destroying || s.destroyed), 'closing the hub destroyed its streams')
})

test('replication streams: open cores are attached to a new stream while it is corked', async (t) => {
  const store = await create(t)
  const cores = [store.get({ key: Buffer.alloc(32, 1) }), store.get({ key: Buffer.alloc(32, 2) }), store.get({ key: Buffer.alloc(32, 3) })]
  await Promise.all(cores.map((c) => c.ready()))
  const [raw, other] = bareLink(t)
  const muxer = Hypercore.getProtocolMuxer(raw)
  const calls: string[] = []
  const { cork, uncork, pair } = muxer
  muxer.cork = () => { calls.push('cork'); cork.call(muxer) }
  muxer.uncork = () => { calls.push('uncork'); uncork.call(muxer) }
  muxer.pair = (opts, notify) => {
    if (opts.id) calls.push('attach')
    pair.call(muxer, opts, notify)
  }
  store.replicate(raw)
  const remote = await create(t)
  remote.replicate(other)
  await raw.noiseStream.opened
  // hypercore corks the muxer itself later on; the store's part is the first batch.
  const first = calls.slice(0, calls.indexOf('uncork') + 1)
  t.alike(first, ['cork', 'attach', 'attach', 'attach', 'uncork'], 'all three attached in one corked batch, uncorked once open')
})
