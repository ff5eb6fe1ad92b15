import test from 'brittle'
import crypto from 'hypercore-crypto'
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

test('get: wait: false and timeout bound reads of missing blocks', async (t) => {
  const store = await create(t)
  const key = crypto.randomBytes(32) // no peer will ever have it
  const noWait = store.get({ key, wait: false })
  t.is(await noWait.get(0), null, 'wait: false: a missing block is null at once')
  const timed = store.get({ key, timeout: 20 })
  await rejectsCode(t, timed.get(0), 'REQUEST_TIMEOUT', 'timeout: the read rejects')
  await noWait.close()
  await timed.close()
})

test('get: draft is accepted and the session works as usual', async (t) => {
  const store = await create(t)
  const core = store.get({ name: 'd', draft: true })
  await core.append('x')
  t.alike(await core.get(0), Buffer.from('x'), 'append and read')
  await core.close()
})
