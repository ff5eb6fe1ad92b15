import test from 'brittle'
import { once } from 'events'
import type Hypercore from 'hypercore'
import { create } from '../helpers/create'
import { keepAlive } from '../helpers/assert'
import type { Core } from '../../src/store/types'

// Many gets of one core at once, and gets that race the close of their core.

test('get: many concurrent gets of one core share it', async (t) => {
  const store = await create(t)
  const byName = Array.from({ length: 32 }, () => store.get({ name: 'shared' }))
  await Promise.all(byName.map((s) => s.ready()))
  const core = byName[0]?.core
  t.ok(byName.every((s) => s.core === core), '32 gets by name: one core')

  const key = byName[0]?.key as Buffer
  const mixed = [
    ...Array.from({ length: 16 }, () => store.get(key)),
    ...Array.from({ length: 16 }, () => store.get({ key: key.toString('hex') })),
    ...Array.from({ length: 16 }, () => store.get({ discoveryKey: byName[0]?.discoveryKey as Buffer }))
  ]
  await Promise.all(mixed.map((s) => s.ready()))
  t.ok(mixed.every((s) => s.core === core), '48 gets by key, hex and discovery key: the same core')
  t.is(store.cores.size, 1, 'one tracked core')
  t.is(store.sessions.count(), 80, 'every session tracked')

  await Promise.all([...byName, ...mixed].map((s) => s.close()))
  t.is(store.sessions.count(), 0, 'all sessions closed')
})

test('get: concurrent first gets of a new name make one core', async (t) => {
  const store = await create(t)
  const sessions = Array.from({ length: 16 }, (_, i) => store.get(i % 2 === 0 ? { name: 'fresh' } : { name: 'fresh', writable: false }))
  await Promise.all(sessions.map((s) => s.ready()))
  t.ok(sessions.every((s) => s.core === sessions[0]?.core), 'one core')
  await sessions[0]?.append('x')
  t.ok(sessions.every((s) => s.length === 1), 'every session sees the append')
  await Promise.all(sessions.map((s) => s.close()))
})

async function assertWorks (t: ReturnType<typeof test>, session: Hypercore, before: number, label: string): Promise<void> {
  await session.ready()
  t.is(session.length, before, `${label}: sees the stored length`)
  t.alike(await session.get(0), Buffer.from('block-0'), `${label}: reads`)
  await session.append('after')
  t.is(session.length, before + 1, `${label}: appends`)
}

test('get: a get while the last session is closing returns a working session', async (t) => {
  const store = await create(t)
  const first = store.get({ name: 'race' })
  await first.append('block-0')
  const key = first.key as Buffer

  const closing = first.close()
  const byName = store.get({ name: 'race' })
  const byKey = store.get(key)
  await closing
  await assertWorks(t, byName, 1, 'by name')
  await assertWorks(t, byKey, 2, 'by key')
  t.is(byName.core, byKey.core, 'both on one core')
  await byName.close()
  await byKey.close()
})

test('get: a get racing a GC close of the core returns a working session on a fresh core', async (t) => {
  keepAlive(t)
  const store = await create(t, { gcIntervalMs: 10, gcStrikes: 1 })
  const first = store.get({ name: 'race' })
  await first.append('block-0')
  const old = first.core as Core
  const discoveryKey = first.discoveryKey as Buffer

  // Get again at the exact moment GC starts closing the core.
  const raced: Hypercore[] = []
  const close = old.close.bind(old)
  old.close = () => {
    const closing = close()
    raced.push(store.get({ name: 'race' }), store.get({ discoveryKey }))
    return closing
  }

  const gcEvent = once(store, 'gc')
  await first.close()
  const [gced] = await gcEvent
  t.is(gced, old, 'GC closed the old core')
  t.is(raced.length, 2, 'the gets ran while it was closing')

  const [byName, byDk] = raced as [Hypercore, Hypercore]
  await assertWorks(t, byName, 1, 'by name')
  await assertWorks(t, byDk, 2, 'by discovery key')
  t.not(byName.core, old, 'a fresh core')
  t.is(byName.core, byDk.core, 'both on the fresh core')
  t.is(store.cores.get(discoveryKey), byName.core, 'the fresh core is the tracked one after the old one was dropped')
  await byName.close()
  await byDk.close()
})

test('get: a get racing a GC close by key (synchronous path) also works', async (t) => {
  keepAlive(t)
  const store = await create(t, { gcIntervalMs: 10, gcStrikes: 1 })
  const first = store.get({ name: 'race' })
  await first.append('block-0')
  const old = first.core as Core
  const key = first.key as Buffer

  let raced: Hypercore | null = null
  const close = old.close.bind(old)
  old.close = () => {
    const closing = close()
    raced = store.get(key)
    return closing
  }
  const gcEvent = once(store, 'gc')
  await first.close()
  await gcEvent
  t.ok(raced !== null, 'got while closing')
  const session = raced as unknown as Hypercore
  await assertWorks(t, session, 1, 'by key')
  t.not(session.core, old, 'fresh core')
  await session.close()
})
