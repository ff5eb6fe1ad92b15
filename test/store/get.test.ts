import test from 'brittle'
import Hypercore from 'hypercore'
import crypto from 'hypercore-crypto'
import ID from 'hypercore-id-encoding'
import { create } from '../helpers/create'
import { rejectsCode } from '../helpers/assert'

// How get() finds or makes a core: name, key forms, key pair, manifest, discovery key,
// preload, createIfMissing. Session options are in get-options.test.ts.

test('get: the same name twice gives two sessions on one core, in parallel (seed: basic)', async (t) => {
  const store = await create(t)
  const a = store.get({ name: 'test' })
  const b = store.get({ name: 'test' })
  await Promise.all([a.ready(), b.ready()])
  t.alike(a.key, b.key, 'same key')
  t.is(a.core, b.core, 'same internal core')
  t.not(a, b, 'two sessions')
  t.is(store.cores.size, 1, 'one tracked core')
  await a.close()
  await b.close()
})

test('get: the same name twice gives one core, one after the other (seed: basic non parallel)', async (t) => {
  const store = await create(t)
  const a = store.get({ name: 'test' })
  await a.ready()
  const b = store.get({ name: 'test' })
  await b.ready()
  t.alike(a.key, b.key, 'same key')
  t.is(a.core, b.core, 'same internal core')
  await a.append('x')
  t.is(b.length, 1, 'an append through one is seen by the other')
  await a.close()
  await b.close()
})

test('get: different names give different writable cores', async (t) => {
  const store = await create(t)
  const a = store.get({ name: 'a' })
  const b = store.get({ name: 'b' })
  await Promise.all([a.ready(), b.ready()])
  t.unlike(a.key, b.key, 'different keys')
  t.ok(a.writable && b.writable, 'both writable')
  t.is(store.cores.size, 2, 'two tracked cores')
  await a.close()
  await b.close()
})

test('get: a key as buffer, hex or z32 opens the same core, key known at once (seed: key available immediately)', async (t) => {
  const store = await create(t)
  const named = store.get({ name: 'src' })
  await named.append('hello')
  const key = named.key as Buffer

  const forms: Array<[string, Buffer | string]> = [
    ['buffer', Buffer.from(key)],
    ['hex', key.toString('hex')],
    ['z32', ID.encode(key)]
  ]
  for (const [label, form] of forms) {
    for (const session of [store.get(form), store.get({ key: form })]) {
      t.alike(session.key, key, `${label}: key set synchronously`)
      await session.ready()
      t.is(session.core, named.core, `${label}: same core as the named session`)
      t.alike(await session.get(0), Buffer.from('hello'), `${label}: reads the data`)
      t.ok(session.writable, `${label}: writable, the key pair is stored`)
      await session.close()
    }
  }
  await named.close()

  const zero = store.get({ key: Buffer.alloc(32) })
  t.alike(zero.key, Buffer.alloc(32), 'an unknown key is also set before ready')
  await zero.close()
})

test('get: keyPair makes a writable core with a v1 manifest of that key', async (t) => {
  const store = await create(t)
  const keyPair = crypto.keyPair()
  const core = store.get({ keyPair })
  const expected = Hypercore.key({ version: 1, signers: [{ publicKey: keyPair.publicKey }] })
  t.alike(core.key, expected, 'key is the v1 manifest hash, known at once')
  await core.ready()
  t.ok(core.writable, 'writable')
  t.alike(core.manifest?.signers[0]?.publicKey, keyPair.publicKey, 'signed by the key pair')
  await core.append('a')
  await core.close()

  const reopened = store.get({ key: expected })
  await reopened.ready()
  t.ok(reopened.writable, 'reopened by key: still writable (key pair stored)')
  t.is(reopened.length, 1, 'data kept')
  await reopened.close()
})

test('get: manifest alone opens a read-only core under the manifest hash', async (t) => {
  const store = await create(t)
  const keyPair = crypto.keyPair()
  const manifest = { version: 1, signers: [{ publicKey: keyPair.publicKey }] }
  const readOnly = store.get({ manifest })
  t.alike(readOnly.key, Hypercore.key(manifest), 'key derived from the manifest')
  await readOnly.ready()
  t.absent(readOnly.writable, 'no secret key: not writable')
  await readOnly.close()

  const store2 = await create(t)
  const writer = store2.get({ manifest, keyPair })
  await writer.ready()
  t.ok(writer.writable, 'manifest plus key pair: writable')
  t.alike(writer.key, Hypercore.key(manifest), 'same key')
  await writer.close()
})

test('get: discoveryKey alone opens a stored core and rejects STORAGE_EMPTY for an unknown one (seed: open by discovery key)', async (t) => {
  const store = await create(t)
  const src = store.get({ name: 'stored' })
  await src.append('x')
  const discoveryKey = src.discoveryKey as Buffer
  await src.close()

  const byDk = store.get({ discoveryKey })
  await byDk.ready()
  t.alike(byDk.key, src.key, 'stored core found by discovery key')
  t.alike(await byDk.get(0), Buffer.from('x'), 'its data')
  await byDk.close()

  const unknown = crypto.randomBytes(32)
  await rejectsCode(t, store.get({ discoveryKey: unknown }).ready(), 'STORAGE_EMPTY', 'unknown discovery key')
  t.absent(await store.storage.hasCore(unknown), 'nothing created for it')
  t.is(store.cores.get(unknown), null, 'nothing tracked for it')

  // With the key (and manifest) as well, an unknown discovery key is created.
  const keyPair = crypto.keyPair()
  const manifest = { version: 1, signers: [{ publicKey: keyPair.publicKey }] }
  const key = Hypercore.key(manifest)
  const created = store.get({ discoveryKey: Hypercore.discoveryKey(key), key, manifest })
  await created.ready()
  t.alike(created.key, key, 'created with the key given')
  t.ok(await store.storage.hasCore(Hypercore.discoveryKey(key)), 'now stored')
  await created.close()
})

test('get: createIfMissing: false rejects STORAGE_EMPTY for an unknown key and leaves nothing behind', async (t) => {
  const store = await create(t)
  const keyPair = crypto.keyPair()
  const key = Hypercore.key({ version: 1, signers: [{ publicKey: keyPair.publicKey }] })
  await rejectsCode(t, store.get({ key, createIfMissing: false }).ready(), 'STORAGE_EMPTY', 'unknown key')
  t.absent(await store.storage.hasCore(Hypercore.discoveryKey(key)), 'not created')
  t.is(store.cores.get(Hypercore.discoveryKey(key)), null, 'failed core not tracked')

  // The failed open must not poison the key: a later get may create it.
  const later = store.get({ keyPair })
  await later.ready()
  t.alike(later.key, key, 'same key')
  t.ok(later.writable, 'created on a later get')
  await later.close()

  const again = store.get({ key, createIfMissing: false })
  await again.ready()
  t.is(again.core, later.core, 'createIfMissing: false opens it now that it exists')
  await again.close()
})

test('get: preload resolves the options asynchronously', async (t) => {
  const store = await create(t)
  const named = store.get({ name: 'target' })
  await named.ready()

  const byName = store.get({ preload: Promise.resolve({ name: 'target' }) })
  await byName.ready()
  t.is(byName.core, named.core, 'preload of a name')

  const byKey = store.get({ preload: new Promise((resolve) => setImmediate(() => resolve({ key: named.key }))) })
  await byKey.ready()
  t.is(byKey.core, named.core, 'preload of a key, resolved later')
  await byName.close()
  await byKey.close()
  await named.close()
})

test('get: sessions of a session made before ready work (seed: session pre ready)', async (t) => {
  const store = await create(t)
  const a = store.get({ name: 'test' })
  const b = a.session()
  await a.ready()
  await b.ready()
  t.is(a.core, b.core, 'same core')
  await a.append('x')
  t.is(b.length, 1, 'sub-session sees the append')
  await a.close()
  await b.close()
})
