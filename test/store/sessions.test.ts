import test from 'brittle'
import { once } from 'events'
import type Hypercore from 'hypercore'
import Corestore from '../../src'
import { create, tmpDir } from '../helpers/create'
import { rejectsCode, throwsCode } from '../helpers/assert'

// Store sessions (session(), namespace()) and the store's own life cycle.

test('sessions: a store session shares cores and closes only the sessions it opened', async (t) => {
  const store = await create(t)
  const mine = store.get({ name: 'x' })
  await mine.ready()

  const sub = store.session()
  const theirs = sub.get({ name: 'x' })
  const other = sub.get({ name: 'y' })
  await Promise.all([theirs.ready(), other.ready()])
  t.is(theirs.core, mine.core, 'same core through the session')
  t.is(sub.storage, store.storage, 'same storage')
  t.is(sub.cores, store.cores, 'same core tracker')

  await sub.close()
  t.ok(theirs.closed && other.closed, 'sessions opened through it are closed')
  t.absent(mine.closed, 'the root\'s own session is not')
  await mine.append('still works')
  t.is(mine.length, 1, 'and still works')
  t.absent(store.corestores.has(sub), 'closed session left the root\'s list')
  await mine.close()
})

test('sessions: namespace() sessions close only their own sessions too', async (t) => {
  const store = await create(t)
  const ns = store.namespace('app')
  const nested = ns.namespace('inner')
  const a = ns.get({ name: 'a' })
  const b = nested.get({ name: 'a' })
  const root = store.get({ name: 'a' })
  await Promise.all([a.ready(), b.ready(), root.ready()])
  t.unlike(a.key, b.key, 'nested namespace: another core')
  t.unlike(a.key, root.key, 'namespace: another core than the root\'s')

  await ns.close()
  t.ok(a.closed, 'namespace session closed its core session')
  t.absent(b.closed, 'a namespace made from it is a separate session: untouched')
  t.absent(root.closed, 'root session untouched')
  await nested.close()
  t.ok(b.closed, 'closed with its own store session')
  await root.close()
})

test('sessions: closing a store session closes sessions of its sessions (seed: tracked sessions)', async (t) => {
  const store = await create(t)
  const sub = store.session()
  const a = sub.get({ name: 'test' })
  const b = a.session()
  const closed = Promise.all([once(a, 'close'), once(b, 'close')])
  await a.ready()
  await b.ready()
  await sub.close()
  await closed
  t.ok(a.closed, 'explicit session closed')
  t.ok(b.closed, 'session made from it closed as well')
})

test('sessions: closing a store session ends a get still preloading', async (t) => {
  const store = await create(t)
  const sub = store.session()
  const pending = sub.get({ name: 'slow' }) // named: resolved asynchronously
  const ready = pending.ready()
  await sub.close()
  // hypercore leaves `closed` false on a session whose preload failed, so check the rest.
  await rejectsCode(t, ready, 'CORESTORE_CLOSED', 'its ready() rejects')
  t.ok(pending.closing !== null, 'close was called on it')
  t.absent(pending.opened, 'never opened')
  t.is(store.cores.size, 0, 'no core opened for it')
  t.is(store.sessions.count() + sub.sessions.count(), 0, 'no session tracked')
})

test('sessions: closing the root closes every session and store session', async (t) => {
  const dir = await tmpDir(t)
  const store = new Corestore(dir)
  const sub = store.session()
  const ns = store.namespace('n')
  const sessions: Hypercore[] = [
    store.get({ name: 'a' }), sub.get({ name: 'a' }), ns.get({ name: 'b' })
  ]
  await Promise.all(sessions.map((s) => s.ready()))
  sessions.push(sessions[0]?.session() as Hypercore)
  await sessions[3]?.ready()

  await store.close()
  t.ok(sessions.every((s) => s.closed), 'every core session closed')
  t.ok(sub.closed && ns.closed, 'every store session closed')
  t.is(store.cores.size, 0, 'no cores left')
})

test('sessions: closing and closed follow the close', async (t) => {
  const store = new Corestore(await tmpDir(t))
  const events: string[] = []
  store.on('ready', () => events.push('ready'))
  store.on('close', () => events.push('close'))
  await store.ready()
  const sub = store.session()
  t.is(store.closing, null, 'not closing')
  t.absent(store.closed, 'not closed')
  const closing = store.close()
  t.ok(store.closing !== null, 'closing set at once')
  t.absent(store.closed, 'not closed yet')
  await closing
  t.ok(store.closed, 'closed')
  t.alike(events, ['ready', 'close'], "'ready' and 'close' events, once each")
  t.ok(sub.closed, 'sessions closed with it')
  await store.close()
  t.ok(store.closed, 'closing twice is harmless')
})

test('sessions: get, replicate, session and namespace throw CORESTORE_CLOSED after close', async (t) => {
  const store = new Corestore(await tmpDir(t))
  const sub = store.session()
  const closedSub = store.session()
  await closedSub.close()

  for (const [label, s] of [['closed session', closedSub]] as const) {
    throwsCode(t, () => s.get({ name: 'x' }), 'CORESTORE_CLOSED', `${label}: get`)
    throwsCode(t, () => s.replicate(true), 'CORESTORE_CLOSED', `${label}: replicate`)
    throwsCode(t, () => s.session(), 'CORESTORE_CLOSED', `${label}: session`)
    throwsCode(t, () => s.namespace('n'), 'CORESTORE_CLOSED', `${label}: namespace`)
  }
  const ok = store.get({ name: 'x' })
  await ok.ready()
  t.pass('the root still works after one of its sessions closed')
  await ok.close()

  const closing = store.close()
  for (const [label, s] of [['root while closing', store], ['session of a closing root', sub]] as const) {
    throwsCode(t, () => s.get({ name: 'x' }), 'CORESTORE_CLOSED', `${label}: get`)
    throwsCode(t, () => s.replicate(true), 'CORESTORE_CLOSED', `${label}: replicate`)
    throwsCode(t, () => s.session(), 'CORESTORE_CLOSED', `${label}: session`)
  }
  await closing
  throwsCode(t, () => store.get({ key: Buffer.alloc(32) }), 'CORESTORE_CLOSED', 'root after close: get by key')
  throwsCode(t, () => store.namespace('n'), 'CORESTORE_CLOSED', 'root after close: namespace')
})

test('sessions: the error is a CorestoreError with a code and a message', async (t) => {
  const store = new Corestore(await tmpDir(t))
  await store.close()
  const err = throwsCode(t, () => store.get({ name: 'x' }), 'CORESTORE_CLOSED', 'code')
  t.ok(err instanceof Corestore.CorestoreError, 'exported error class')
  t.ok(err instanceof Error && /closed/i.test(err.message), 'readable message')
})
