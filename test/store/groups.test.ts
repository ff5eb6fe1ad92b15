import test from 'brittle'
import { once } from 'events'
import crypto from 'hypercore-crypto'
import { create } from '../helpers/create'
import { collect, throwsCode } from '../helpers/assert'

// Core groups (hypercore 11 `group`): every append to a core of a group is reported as
// 'group-active' on the store that opened it and as 'update' on notifyGroup() handles.

interface GroupUpdate { key: Buffer, length: number, fork: number }

test('groups: appends to grouped cores emit group-active and handle updates', async (t) => {
  const store = await create(t)
  const topic = crypto.randomBytes(32)
  const handle = store.notifyGroup(topic)
  const active: Array<[Buffer, GroupUpdate]> = []
  const updates: GroupUpdate[] = []
  store.on('group-active', (tp: Buffer, u: GroupUpdate) => active.push([tp, u]))
  handle.on('update', (u: GroupUpdate) => updates.push(u))

  const a = store.get({ name: 'a', group: topic })
  const b = store.get({ name: 'b', group: topic })
  const outside = store.get({ name: 'c' })
  await a.append('1')
  await b.append('1')
  await a.append(['2', '3'])
  await outside.append('x')

  t.is(active.length, 3, 'one group-active per append to a grouped core')
  t.ok(active.every(([tp]) => tp.equals(topic)), 'with the topic')
  t.alike(active.map(([, u]) => [u.key.toString('hex'), u.length, u.fork]), [
    [(a.key as Buffer).toString('hex'), 1, 0],
    [(b.key as Buffer).toString('hex'), 1, 0],
    [(a.key as Buffer).toString('hex'), 3, 0]
  ], 'key, length and fork of each update')
  t.alike(updates, active.map(([, u]) => u), 'the handle saw the same updates')

  const keys = await collect(handle.updates())
  t.alike(keys.map((k) => (k as Buffer).toString('hex')).sort(), [a.key, b.key].map((k) => (k as Buffer).toString('hex')).sort(), 'updates() lists the keys of the updated cores')

  handle.destroy()
  await b.append('2')
  t.is(updates.length, 3, 'a destroyed handle gets nothing more')
  t.is(active.length, 4, 'the store event goes on')
  await Promise.all([a.close(), b.close(), outside.close()])
})

test('groups: handles are per topic and shared by store sessions', async (t) => {
  const store = await create(t)
  const topicA = crypto.randomBytes(32)
  const topicB = crypto.randomBytes(32)
  const ns = store.namespace('ns')
  const onA = store.notifyGroup(topicA)
  const onB = ns.notifyGroup(topicB)
  const seenA: GroupUpdate[] = []
  const seenB: GroupUpdate[] = []
  onA.on('update', (u: GroupUpdate) => seenA.push(u))
  onB.on('update', (u: GroupUpdate) => seenB.push(u))

  const inA = ns.get({ name: 'x', group: topicA })
  const nsActive = once(ns, 'group-active')
  await inA.append('1')
  t.is((await nsActive)[0], topicA, 'group-active on the store session that opened the core')
  const inB = store.get({ name: 'y', group: topicB })
  await inB.append('1')
  t.is(seenA.length, 1, 'root handle saw the core a session opened')
  t.is(seenB.length, 1, 'session handle saw the core the root opened')
  t.alike(seenA[0]?.key, inA.key, 'right core for A')
  t.alike(seenB[0]?.key, inB.key, 'right core for B')
  onA.destroy()
  onB.destroy()
  await Promise.all([inA.close(), inB.close()])
})

test('groups: a handle on a topic nobody used lists nothing; a bad topic is refused', async (t) => {
  const store = await create(t)
  const handle = store.notifyGroup(crypto.randomBytes(32))
  t.alike(await collect(handle.updates()), [], 'no updates')
  handle.destroy()
  handle.destroy()
  t.is(handle.index, -1, 'destroying twice is harmless')
  throwsCode(t, () => store.notifyGroup('topic' as unknown as Buffer), 'BAD_ARGUMENT', 'topic must be a buffer')
})

test('groups: destroying one of several handles on a topic unregisters exactly that one', async (t) => {
  const store = await create(t)
  const topic = crypto.randomBytes(32)
  const other = crypto.randomBytes(32)
  // Three handles on one topic (and one on another in between): the removal swaps handles around.
  const handles = [store.notifyGroup(topic), store.notifyGroup(other), store.notifyGroup(topic), store.notifyGroup(topic)]
  const seen = handles.map(() => 0)
  handles.forEach((h, i) => h.on('update', () => { seen[i] = (seen[i] ?? 0) + 1 }))
  const core = store.get({ name: 'g', group: topic })
  await core.append('1')
  t.alike(seen, [1, 0, 1, 1], 'every handle of the topic saw the append, the other topic none')

  handles[0]?.destroy()
  await core.append('2')
  t.alike(seen, [1, 0, 2, 2], 'the first handle destroyed: the other two still get updates')

  handles[3]?.destroy()
  await core.append('3')
  t.alike(seen, [1, 0, 3, 2], 'the last one destroyed: the middle one still gets them')

  handles[2]?.destroy()
  await core.append('4')
  t.alike(seen, [1, 0, 3, 2], 'all destroyed: nothing more')
  handles[1]?.destroy()
  await core.close()
})
