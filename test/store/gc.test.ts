import test from 'brittle'
import { once } from 'events'
import Hypercore from 'hypercore'
import { create } from '../helpers/create'
import { keepAlive } from '../helpers/assert'
import { link } from '../helpers/replicate'
import { collected, sentinel } from '../helpers/gc'
import type { Core } from '../../src/store/types'

// Idle-core GC with a short interval. Tests await the 'gc' event instead of sleeping;
// "not collected" is shown against a sentinel core that went idle later and was collected.

const FAST = { gcIntervalMs: 10, gcStrikes: 3 }

test('gc: an idle core is closed after gcStrikes ticks and the timer stops', async (t) => {
  keepAlive(t)
  const store = await create(t, FAST)
  const session = store.get({ name: 'idle' })
  await session.append('x')
  const core = session.core as Core
  t.absent(store.cores.gcRunning, 'no timer while nothing is idle')

  const gcEvent = once(store, 'gc')
  await session.close()
  t.is(store.cores.idleCount, 1, 'closing the last session makes the core idle')
  t.ok(store.cores.gcRunning, 'timer started')
  const [gced] = await gcEvent
  t.is(gced, core, "'gc' carries the collected core")
  t.ok(core.closed, 'core closed')
  t.is(store.cores.size, 0, 'dropped from the tracker')
  t.is(store.cores.idleCount, 0, 'nothing idle')
  t.absent(store.cores.gcRunning, 'timer stopped')

  const again = store.get({ name: 'idle' })
  t.alike(await again.get(0), Buffer.from('x'), 'reopens from storage with its data')
  t.not(again.core, core, 'as a fresh core')
  await again.close()
})

test('gc: a core with a live session is never collected, nor one kept by session.session()', async (t) => {
  keepAlive(t)
  const store = await create(t, FAST)
  const held = store.get({ name: 'held' })
  await held.ready()
  const viaSub = store.get({ name: 'via-sub' })
  await viaSub.ready()
  const sub = viaSub.session() // made by hypercore, not through the store
  await sub.ready()
  await viaSub.close()

  const gced: Core[] = []
  store.on('gc', (c: Core) => gced.push(c))
  await sentinel(store, 'sentinel-1')
  await sentinel(store, 'sentinel-2')

  t.is(held.core?.closing, null, 'core with an open session not closing')
  t.is(sub.core?.closing, null, 'core kept by a sub-session not closing')
  t.ok(gced.every((c) => c !== held.core && c !== sub.core), 'neither was ever collected')
  await sub.append('still works')
  t.is(sub.length, 1, 'sub-session works')

  const core = sub.core
  const gcEvent = once(store, 'gc')
  await sub.close()
  t.is((await gcEvent)[0], core, 'collected once the sub-session closed')
  await held.close()
})

test('gc: a get during the grace period cancels the collection', async (t) => {
  keepAlive(t)
  const store = await create(t, FAST)
  const first = store.get({ name: 'x' })
  await first.append('x')
  const core = first.core as Core
  await first.close()
  t.is(store.cores.idleCount, 1, 'idle')

  const back = store.get(first.key as Buffer)
  t.is(store.cores.idleCount, 0, 'a get by key takes it out of GC at once')
  t.absent(store.cores.gcRunning, 'and the timer stops: nothing else is idle')
  await back.ready()
  t.is(back.core, core, 'same core reused')

  const byName = store.get({ name: 'x' })
  await byName.ready()
  await byName.close()
  t.is(byName.core, core, 'a session opened and closed meanwhile changes nothing')

  const gced: Core[] = []
  store.on('gc', (c: Core) => gced.push(c))
  await sentinel(store, 'sentinel')
  t.is(core.closing, null, 'not collected')
  t.absent(gced.includes(core), 'no gc event for it')
  await back.close()
})

test('gc: passive cores are collected while a stream is live; a core the remote downloads is kept', async (t) => {
  keepAlive(t)
  const a = await create(t, FAST)
  const b = await create(t, FAST)
  const writer = a.get({ name: 'wanted' })
  await writer.append(['a', 'b'])
  const passiveWriter = a.get({ name: 'passive' })
  await passiveWriter.append('p')
  const gone = [collected(a, writer.core as Core), collected(a, passiveWriter.core as Core)]
  await Promise.all([writer.close(), passiveWriter.close()])
  await Promise.all(gone)
  t.is(a.cores.size, 0, 'a has nothing open when replication starts')
  const { a: streamA } = link(t, a, b)

  // b downloads `wanted` through the live stream: a attaches it on demand and must keep it.
  const reader = b.get({ key: writer.key as Buffer })
  t.alike(await reader.get(0), Buffer.from('a'), 'b reads from a')
  const wanted = a.cores.get(writer.discoveryKey as Buffer)
  t.ok(wanted !== null, 'a opened the core the remote asked for')

  const passive = a.get({ key: passiveWriter.key as Buffer, active: false })
  await passive.ready()
  const passiveCore = passive.core as Core
  t.absent(passiveCore.replicator.attached(Hypercore.getProtocolMuxer(streamA)), 'passive core not attached to the stream')
  const passiveGone = collected(a, passiveCore)
  await passive.close()
  await passiveGone
  t.ok(passiveCore.closed, 'passive core collected')
  t.absent(streamA.destroyed, 'while the stream is live')
  t.is(a.cores.get(writer.discoveryKey as Buffer), wanted, 'the core the remote downloads is still open')
  t.alike(await reader.get(1), Buffer.from('b'), 'and still serves it')
  await reader.close()
})

test('gc: a core the store opened for a remote is collected once the remote is done with it', async (t) => {
  keepAlive(t)
  const a = await create(t, FAST)
  const b = await create(t, FAST)
  const writer = a.get({ name: 'served' })
  await writer.append('x')
  const gone = collected(a, writer.core as Core)
  await writer.close()
  await gone
  t.is(a.cores.size, 0, 'a has nothing open when b asks')
  link(t, a, b)

  // No linger: b's core stops downloading, and closes, as soon as its session does.
  const reader = b.get({ key: writer.key as Buffer, notDownloadingLinger: 0 })
  t.alike(await reader.get(0), Buffer.from('x'), 'b reads from a')
  const served = a.cores.get(writer.discoveryKey as Buffer)
  t.ok(served !== null, 'a opened the core for b, with no session of its own')
  const done = collected(a, served as Core)
  await reader.close()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(resolve, 5000, false) })
  t.ok(await Promise.race([done.then(() => true), timeout]), 'a collected it once b closed its side')
  clearTimeout(timer)
  t.is(a.cores.size, 0, 'and tracks nothing')
})
