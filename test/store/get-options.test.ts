import test from 'brittle'
import crypto from 'hypercore-crypto'
import type Hypercore from 'hypercore'
import type Corestore from '../../src'
import type { GetOptions } from '../../src/store/types'
import { create } from '../helpers/create'
import { rejectsCode } from '../helpers/assert'

// Session options that get() forwards to hypercore: each must reach the session or core.

test('get: exclusive sessions take turns on the core', async (t) => {
  const store = await create(t)
  const first = store.get({ name: 'x', exclusive: true })
  await first.ready()

  const second = store.get({ name: 'x', exclusive: true })
  let firstOpen = true
  const secondReady = second.ready().then(() => firstOpen)
  // Work on the first session meanwhile: the second must stay blocked through it.
  await first.append('a')
  t.alike(await first.get(0), Buffer.from('a'), 'first session works while it holds the lock')
  const shared = store.get({ name: 'x' })
  await shared.ready()
  t.pass('a non-exclusive session opens while the lock is held')
  await shared.close()

  firstOpen = false
  await first.close()
  t.is(await secondReady, false, 'second exclusive session ready only once the first was closing')
  t.is(second.length, 1, 'and sees its data')
  await second.close()
})

test('get: writable: false opens a read-only session on a writable core', async (t) => {
  const store = await create(t)
  const writer = store.get({ name: 'x' })
  await writer.append('a')
  const reader = store.get({ name: 'x', writable: false })
  await reader.ready()
  t.ok(writer.writable, 'default session writable')
  t.absent(reader.writable, 'writable: false session is not')
  await rejectsCode(t, reader.append('b'), 'SESSION_NOT_WRITABLE', 'append refused')
  t.alike(await reader.get(0), Buffer.from('a'), 'reads work')
  await reader.close()
  await writer.close()
})

test('get: encryption { key } and the legacy encryptionKey encrypt blocks at rest', async (t) => {
  const store = await create(t)
  const key = Buffer.alloc(32, 9)
  for (const [label, opts] of [['encryption: { key }', { encryption: { key } }], ['encryption: buffer', { encryption: key }], ['encryptionKey', { encryptionKey: key }]] as const) {
    const core = store.get({ name: label, ...opts })
    await core.append('secret')
    t.alike(await core.get(0), Buffer.from('secret'), `${label}: decrypted on read`)
    const raw = store.get({ key: core.key })
    await raw.ready()
    const stored = await raw.get(0)
    t.ok(stored !== null && !stored.includes(Buffer.from('secret')), `${label}: ciphertext without the key`)
    const again = store.get({ key: core.key, ...opts })
    t.alike(await again.get(0), Buffer.from('secret'), `${label}: another session with the key reads it`)
    await Promise.all([core.close(), raw.close(), again.close()])
  }
})

test('get: valueEncoding applies per session', async (t) => {
  const store = await create(t)
  const json = store.get({ name: 'x', valueEncoding: 'json' })
  // The typings take bytes; with valueEncoding hypercore encodes any value.
  await json.append({ hello: 'world' } as unknown as Buffer)
  t.alike(await json.get(0), { hello: 'world' }, 'decoded')
  const bytes = store.get({ name: 'x' })
  t.alike(await bytes.get(0), Buffer.from(JSON.stringify({ hello: 'world' })), 'raw bytes in a session without it')
  const utf8 = store.get({ name: 'x', valueEncoding: 'utf-8' })
  t.is(await utf8.get(0), JSON.stringify({ hello: 'world' }), 'utf-8 session')
  await Promise.all([json.close(), bytes.close(), utf8.close()])
})

test('get: active: false sessions do not count as active on the core', async (t) => {
  const store = await create(t)
  const key = crypto.randomBytes(32)
  // `downloading` lingers after the last active session, so count the sessions instead.
  const activeSessions = (): number => (passive.core?.replicator as unknown as { activeSessions: number }).activeSessions
  const passive = store.get({ key, active: false })
  await passive.ready()
  t.is(activeSessions(), 0, 'only a passive session: none active')
  const active = store.get({ key })
  await active.ready()
  t.is(activeSessions(), 1, 'a default session is active')
  t.ok(active.core?.replicator.downloading, 'and makes the core download')
  await active.close()
  t.is(activeSessions(), 0, 'back to none once it closed')
  await passive.close()
})

test('get: pushOnly and allowPush reach the replicator', async (t) => {
  const store = await create(t)
  const plain = store.get({ name: 'plain' })
  await plain.ready()
  const replicator = plain.core?.replicator as unknown as { pushOnly: boolean, allowPush: boolean }
  t.is(replicator.pushOnly, false, 'pushOnly off by default')
  t.is(replicator.allowPush, false, 'allowPush off by default')

  const push = store.get({ name: 'push', pushOnly: true, allowPush: true })
  await push.ready()
  const r = push.core?.replicator as unknown as { pushOnly: boolean, allowPush: boolean }
  t.is(r.pushOnly, true, 'pushOnly: true')
  t.is(r.allowPush, true, 'allowPush: true')
  await plain.close()
  await push.close()
})

test('get: group registers the core in the group', async (t) => {
  const store = await create(t)
  const topic = crypto.randomBytes(32)
  const core = store.get({ name: 'g', group: topic })
  await core.ready()
  t.alike(core.core?.header.group?.key, topic, 'core header carries the group')
  const plain = store.get({ name: 'p' })
  await plain.ready()
  t.is(plain.core?.header.group ?? null, null, 'no group without the option')
  await core.close()
  await plain.close()
})

/** One get() per input form, each of a core with no block 0 and no peer to ask. */
async function everyForm (store: Corestore, opts: GetOptions): Promise<Array<[string, Hypercore]>> {
  const key = crypto.randomBytes(32)
  const stored = store.get({ key })
  await stored.ready()
  const out: Array<[string, Hypercore]> = [
    ['by key', store.get({ ...opts, key: crypto.randomBytes(32) })],
    ['by name', store.get({ ...opts, name: `named-${crypto.randomBytes(4).toString('hex')}` })],
    ['by discovery key', store.get({ ...opts, discoveryKey: stored.discoveryKey as Buffer })]
  ]
  await Promise.all(out.map(([, s]) => s.ready()))
  await stored.close()
  return out
}

// A read that ignored its options would wait for ever: fail in seconds, not at brittle's default.
test('get: wait: false and timeout bound reads of missing blocks, whatever the get() input', { timeout: 5000 }, async (t) => {
  const store = await create(t)
  for (const [form, session] of await everyForm(store, { wait: false })) {
    t.is(await session.get(0), null, `wait: false ${form}: a missing block is null at once`)
    await session.close()
  }
  for (const [form, session] of await everyForm(store, { timeout: 20 })) {
    await rejectsCode(t, session.get(0), 'REQUEST_TIMEOUT', `timeout ${form}: the read rejects`)
    await session.close()
  }
})

test('get: onwait is called when a read has to wait, whatever the get() input', { timeout: 5000 }, async (t) => {
  const store = await create(t)
  const waits: Array<[string, number, boolean]> = []
  let current = ''
  const onwait = (index: number, session: Hypercore): void => { waits.push([current, index, session.closed]) }
  for (const [form, session] of await everyForm(store, { onwait, timeout: 20 })) {
    current = form
    await rejectsCode(t, session.get(3), 'REQUEST_TIMEOUT', `${form}: the read waited, then timed out`)
    await session.close()
  }
  t.alike(waits, [['by key', 3, false], ['by name', 3, false], ['by discovery key', 3, false]], 'onwait(index, session) once per waiting read, for every form')
  const plain = store.get({ name: 'plain' })
  await plain.append('here')
  current = 'held'
  const local = store.get({ name: 'plain', onwait })
  t.alike(await local.get(0), Buffer.from('here'), 'a block held locally is read')
  t.is(waits.length, 3, 'without waiting: onwait is not called')
  await Promise.all([plain.close(), local.close()])
})

test('get: draft is accepted and the session works as usual', async (t) => {
  const store = await create(t)
  const core = store.get({ name: 'd', draft: true })
  await core.append('x')
  t.alike(await core.get(0), Buffer.from('x'), 'append and read')
  await core.close()
})
