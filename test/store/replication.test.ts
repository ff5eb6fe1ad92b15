import test from 'brittle'
import Hypercore from 'hypercore'
import { create } from '../helpers/create'
import { link } from '../helpers/replicate'
import { reopen, seedFolder } from '../helpers/seed'

// Replication between stores: both directions, late cores, on/off, active/passive.
// Stream ownership and shared muxers are in replication-streams.test.ts.

test('replication: two stores replicate in both directions (seed: replicates)', async (t) => {
  const a = await create(t)
  const b = await create(t)
  const fromA = a.get({ name: 'a' })
  const fromB = b.get({ name: 'b' })
  await fromA.append('hello from a')
  await fromB.append('hello from b')

  link(t, a, b)
  const cloneInB = b.get(fromA.key as Buffer)
  const cloneInA = a.get(fromB.key as Buffer)
  t.alike(await cloneInB.get(0), Buffer.from('hello from a'), 'b reads a\'s core')
  t.alike(await cloneInA.get(0), Buffer.from('hello from b'), 'a reads b\'s core')
  t.absent(cloneInB.writable, 'a clone is not writable')

  await fromA.append('more')
  t.ok(await cloneInB.update({ wait: true }), 'the clone sees a later append')
  t.is(cloneInB.length, 2, 'new length')
  t.alike(await cloneInB.get(1), Buffer.from('more'), 'and the block')
})

test('replication: a core whose writer session closed still replicates (seed: replicates)', async (t) => {
  const a = await create(t)
  const b = await create(t)
  const src = a.get({ name: 'foo' })
  await src.append('hello')
  await src.close()
  const clone = b.get(src.key as Buffer)
  link(t, b, a)
  t.alike(await clone.get(0), Buffer.from('hello'), 'served from the (re)attached core')
})

test('replication: cores opened after replication started replicate', async (t) => {
  const a = await create(t)
  const b = await create(t)
  link(t, a, b)
  t.is(a.cores.size + b.cores.size, 0, 'no core open when the link starts')

  const late = a.get({ name: 'late' })
  await late.append(['x', 'y'])
  const clone = b.get(late.key as Buffer)
  t.alike(await clone.get(1), Buffer.from('y'), 'b reads a core both opened after the link')

  const later = b.get({ name: 'later' })
  await later.append('z')
  const back = a.get(later.key as Buffer)
  t.alike(await back.get(0), Buffer.from('z'), 'and the other way')
})

test('replication: a stored core that is not open is attached when the remote asks for it', async (t) => {
  const seeded = await seedFolder(t, 'stored', ['one', 'two'])
  const a = reopen(t, seeded)
  await a.ready()
  const b = await create(t)
  link(t, a, b)
  t.is(a.cores.size, 0, 'nothing open in a')

  const clone = b.get(seeded.key)
  t.alike(await clone.get(1), Buffer.from('two'), 'b gets the block')
  const opened = a.cores.get(seeded.discoveryKey)
  t.ok(opened !== null, 'a opened the stored core on demand')
  t.is(a.sessions.count(), 0, 'without a session of its own')
})

test('replication: an unknown core asked for by the remote is neither attached nor created', async (t) => {
  const a = await create(t)
  const b = await create(t)
  const wanted = Buffer.alloc(32, 0x42)
  const wantedDk = Hypercore.discoveryKey(wanted)

  // Wait for a's discovery hook to consult storage about it, then for that answer.
  // Dynamic attach asks hasCore for a lone key and getInfos for a batch: watch both.
  const consulted = new Promise<boolean>((resolve) => {
    const hasCore = a.storage.hasCore.bind(a.storage)
    a.storage.hasCore = (dk, opts) => {
      const answer = hasCore(dk, opts)
      if (dk.equals(wantedDk)) answer.then(resolve, () => resolve(false))
      return answer
    }
    const getInfos = a.storage.getInfos.bind(a.storage)
    a.storage.getInfos = (dks, opts) => {
      const answer = getInfos(dks, opts)
      const at = dks.findIndex((dk) => dk.equals(wantedDk))
      if (at !== -1) answer.then((infos) => resolve(infos[at] !== null && infos[at] !== undefined), () => resolve(false))
      return answer
    }
  })
  link(t, a, b)
  const clone = b.get({ key: wanted })
  await clone.ready()

  t.is(await consulted, false, 'a looked the discovery key up in storage')
  t.is(a.cores.get(wantedDk), null, 'a opened nothing for it')
  t.absent(await a.storage.hasCore(wantedDk), 'and stored nothing')
  t.is(a.cores.size, 0, 'no core tracked in a')
})

test('replication: destroying the streams stops replication, a new link resumes it', async (t) => {
  const a = await create(t)
  const b = await create(t)
  const src = a.get({ name: 'x' })
  await src.append('first')
  const clone = b.get(src.key as Buffer)

  const first = link(t, a, b)
  t.alike(await clone.get(0), Buffer.from('first'), 'replicated over the first link')
  await first.destroy()
  t.is(a.streamTracker.size + b.streamTracker.size, 0, 'closed streams are untracked')
  t.is(clone.peers.length, 0, 'no peer left')

  await src.append('second')
  t.absent(await clone.update({ wait: false }), 'no update without a link')
  t.is(clone.length, 1, 'clone still at the old length')

  link(t, a, b)
  t.alike(await clone.get(1), Buffer.from('second'), 'replicated over the second link')
})

test('replication: a passive store does not attach its downloading cores, but serves what the remote asks', async (t) => {
  const seeded = await seedFolder(t, 'x', ['one'])
  const writer = reopen(t, seeded)
  const passive = await create(t, { active: false })
  const early = passive.get(seeded.key) // open and downloading before the link
  await early.ready()
  const { b: passiveStream } = link(t, writer, passive)
  const late = passive.get(seeded.key) // opened after the link
  await late.ready()
  await passiveStream.noiseStream.opened
  const muxer = Hypercore.getProtocolMuxer(passiveStream)
  t.ok(early.core?.replicator.downloading, 'the core downloads')
  t.absent(early.core?.replicator.attached(muxer), 'but the passive store did not attach it')

  // The writer opens it: its store is active, so it attaches and asks; now they replicate.
  const src = writer.get(seeded.key)
  await src.ready()
  t.alike(await late.get(0), Buffer.from('one'), 'replicates once the remote asked')
  t.ok(early.core?.replicator.attached(muxer), 'attached on the remote\'s request')
})

test('replication: an active store attaches open downloading cores when a stream starts', async (t) => {
  const seeded = await seedFolder(t, 'x', ['one'])
  const writer = reopen(t, seeded)
  const reader = await create(t)
  const clone = reader.get(seeded.key)
  await clone.ready()
  const { b: stream } = link(t, writer, reader)
  t.ok(clone.core?.replicator.attached(Hypercore.getProtocolMuxer(stream)), 'attached by replicate()')
  t.alike(await clone.get(0), Buffer.from('one'), 'and replicates, the writer attaching on demand')
})
