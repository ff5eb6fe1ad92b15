import test from 'brittle'
import fs from 'fs'
import path from 'path'
import Hypercore from 'hypercore'
import Rache from 'rache'
import Corestore from '../../src'
import { create, tmpDir } from '../helpers/create'
import { rejectsCode } from '../helpers/assert'

const PRIMARY = Buffer.alloc(32, 1)
const OTHER = Buffer.alloc(32, 2)

test('construction: a path opens a fresh store with a random persisted primary key', async (t) => {
  const dir = await tmpDir(t)
  const store = new Corestore(dir)
  await store.ready()
  t.ok(Buffer.isBuffer(store.primaryKey) && store.primaryKey.byteLength === 32, '32-byte primary key made')
  t.ok(fs.existsSync(path.join(dir, 'db')), 'storage written under the path')
  const first = store.primaryKey
  await store.close()

  const again = new Corestore(dir)
  await again.ready()
  t.alike(again.primaryKey, first, 'same primary key after reopen')
  await again.close()
})

test('construction: an existing storage instance is used as is', async (t) => {
  const dir = await tmpDir(t)
  const storage = Hypercore.defaultStorage(dir)
  const store = new Corestore(storage)
  t.is(store.storage, storage, 'store uses the instance it was given')
  const core = store.get({ name: 'a' })
  await core.append('hello')
  await core.close()
  await store.close()
  t.ok(storage.closed, 'closing the store closes the storage it was given')

  const reopened = new Corestore(dir)
  const again = reopened.get({ name: 'a' })
  t.alike(await again.get(0), Buffer.from('hello'), 'data written through the instance is on disk')
  await again.close()
  await reopened.close()
})

test('construction: another store\'s .storage can back a new store', async (t) => {
  const dir = await tmpDir(t)
  const first = new Corestore(dir)
  await first.ready()
  const second = new Corestore(first.storage)
  await second.ready()
  t.is(second.storage, first.storage, 'shared storage')
  t.alike(second.primaryKey, first.primaryKey, 'same primary key from the same storage')
  const a = first.get({ name: 'x' })
  const b = second.get({ name: 'x' })
  await a.ready()
  await b.ready()
  t.alike(a.key, b.key, 'same named key from both')
  await a.close()
  await b.close()
  await second.close()
  await first.close()
})

test('construction: primaryKey is accepted with and without unsafe: true', async (t) => {
  const withFlag = await create(t, { primaryKey: PRIMARY, unsafe: true })
  const without = await create(t, { primaryKey: PRIMARY })
  t.alike(withFlag.primaryKey, PRIMARY, 'set before ready (with unsafe)')
  t.alike(without.primaryKey, PRIMARY, 'set before ready (without unsafe)')
  const a = withFlag.get({ name: 'n' })
  const b = without.get({ name: 'n' })
  await a.ready()
  await b.ready()
  t.alike(a.key, b.key, 'same primary key, same named key')
})

test('construction: a passed primary key is persisted and reused on reopen', async (t) => {
  const dir = await tmpDir(t)
  const store = new Corestore(dir, { primaryKey: PRIMARY })
  const core = store.get({ name: 'test' })
  await core.ready()
  const key = core.key
  await core.close()
  await store.close()

  const reopened = new Corestore(dir)
  await reopened.ready()
  t.alike(reopened.primaryKey, PRIMARY, 'primary key read back from storage')
  const again = reopened.get({ name: 'test' })
  await again.ready()
  t.alike(again.key, key, 'named core has the same key')
  await again.close()
  await reopened.close()

  // seed test "pass primary key": the same key in another folder gives the same cores
  const elsewhere = await create(t, { primaryKey: PRIMARY })
  const copy = elsewhere.get({ name: 'test' })
  await copy.ready()
  t.alike(copy.key, key, 'same key in a fresh folder')
  await copy.close()
})

test('construction: reopening with another primary key rejects STORAGE_CONFLICT and changes nothing', async (t) => {
  const dir = await tmpDir(t)
  const store = new Corestore(dir, { primaryKey: PRIMARY })
  const core = store.get({ name: 'kept' })
  await core.append('data')
  await core.close()
  await store.close()

  const wrong = new Corestore(dir, { primaryKey: OTHER })
  await rejectsCode(t, wrong.ready(), 'STORAGE_CONFLICT', 'ready() rejects')
  await wrong.close()
  t.ok(wrong.storage.closed, 'the rejected store still closes its storage')

  const check = new Corestore(dir)
  await check.ready()
  t.alike(check.primaryKey, PRIMARY, 'stored primary key unchanged')
  const kept = check.get({ name: 'kept' })
  t.alike(await kept.get(0), Buffer.from('data'), 'stored core unchanged')
  await kept.close()
  await check.close()
})

test('construction: writable: false and readOnly make the store\'s sessions read-only; store sessions of readOnly only', async (t) => {
  const dir = await tmpDir(t)
  const writer = new Corestore(dir)
  const core = writer.get({ name: 'a' })
  await core.append('one')
  t.ok(core.writable, 'a default store opens writable sessions')
  await core.close()
  await writer.close()

  for (const opts of [{ writable: false }, { readOnly: true }]) {
    const store = new Corestore(dir, opts)
    t.ok(store.readOnly, `${JSON.stringify(opts)}: store.readOnly`)
    const session = store.get({ name: 'a' })
    await session.ready()
    t.absent(session.writable, `${JSON.stringify(opts)}: session not writable`)
    t.alike(await session.get(0), Buffer.from('one'), `${JSON.stringify(opts)}: still readable`)
    await rejectsCode(t, session.append('two'), 'SESSION_NOT_WRITABLE', `${JSON.stringify(opts)}: append rejected`)
    const sub = store.session()
    const subCore = sub.get({ name: 'a' })
    await subCore.ready()
    if ('readOnly' in opts) {
      // A read-only storage cannot write: upstream's sessions claim writable and fail with
      // an uncoded "Batch was not applied"; ours stay read-only and say so.
      t.absent(subCore.writable, 'readOnly: store sessions inherit read-only')
      await rejectsCode(t, subCore.append('two'), 'SESSION_NOT_WRITABLE', 'readOnly: a store session\'s append rejected with a code')
    } else {
      // As upstream 7.12.5: writable: false is the store session's own default.
      t.ok(subCore.writable, 'writable: false: a session() of it is writable, as upstream')
      t.is((await subCore.append('two')).length, 2, 'writable: false: and appends')
    }
    await sub.close()
    await store.close()
  }
})

test('construction: namespace option scopes named cores', async (t) => {
  const ns = Buffer.alloc(32, 9)
  const plain = await create(t, { primaryKey: PRIMARY })
  const scoped = await create(t, { primaryKey: PRIMARY, namespace: ns })
  t.alike(scoped.ns, ns, 'namespace kept')
  const a = plain.get({ name: 'x' })
  const b = scoped.get({ name: 'x' })
  await a.ready()
  await b.ready()
  t.unlike(a.key, b.key, 'same name, other namespace, other key')
  t.alike((await plain.createKeyPair('x', ns)).publicKey, b.manifest?.signers[0]?.publicKey, 'key pair derived from that namespace')
})

test('construction: manifestVersion sets the manifest of named cores', async (t) => {
  const v1 = await create(t, { primaryKey: PRIMARY })
  const v2 = await create(t, { primaryKey: PRIMARY, manifestVersion: 2 })
  const a = v1.get({ name: 'x' })
  const b = v2.get({ name: 'x' })
  await a.ready()
  await b.ready()
  t.is(a.manifest?.version, 1, 'default manifest version is 1')
  t.is(b.manifest?.version, 2, 'manifestVersion: 2 honoured')
  t.unlike(a.key, b.key, 'manifest version is part of the key')
  const sub = v2.session()
  t.is(sub.manifestVersion, 2, 'store sessions inherit the manifest version')
  await sub.close()
})

test('construction: globalCache is passed to every core (seed: global cache)', async (t) => {
  const cache = new Rache({ maxSize: 4 })
  const store = await create(t, { globalCache: cache })
  t.is(store.globalCache, cache, 'store keeps the cache')
  const core = store.get({ name: 'hello' })
  await core.ready()
  t.is(core.globalCache, cache, 'core session sees the cache')
  const sub = store.namespace('n')
  const other = sub.get({ name: 'hello' })
  await other.ready()
  t.is(other.globalCache, cache, 'cores of store sessions see it too')
  await sub.close()
})

test('construction: storage pass-throughs id, allowBackup and treeCache reach the storage', async (t) => {
  const dir = await tmpDir(t)
  const store = new Corestore(dir, { id: 'device-a', allowBackup: true, treeCache: { maxSize: 16 } })
  await store.ready()
  const storage = store.storage as unknown as { id: string | null, allowBackup: boolean, treeCache: { maxSize: number } }
  t.is(storage.id, 'device-a', 'id')
  t.is(storage.allowBackup, true, 'allowBackup')
  t.is(storage.treeCache.maxSize, 16, 'treeCache.maxSize')
  t.absent(fs.existsSync(path.join(dir, 'CORESTORE')), 'allowBackup: no lock file written')
  await store.close()

  const locked = new Corestore(dir, { id: 'device-a' })
  await locked.ready()
  t.ok(fs.existsSync(path.join(dir, 'CORESTORE')), 'default: lock file written')
  await locked.close()

  const otherId = new Corestore(dir, { id: 'device-b' })
  await rejectsCode(t, otherId.ready(), 'DEVICE_FILE', 'a different id is refused by the device file')
  await otherId.close()
})

test('construction: wait: true waits for the lock of another store on the same folder', async (t) => {
  const dir = await tmpDir(t)
  const first = new Corestore(dir)
  await first.ready()

  const second = new Corestore(dir, { wait: true })
  // The lock is released after the first storage has closed, so this reads true only if
  // the second store really waited.
  const secondReady = second.ready().then(() => first.storage.closed)
  await first.close()
  t.ok(await secondReady, 'second store became ready only after the first released the lock')
  await second.close()
})

test('construction: the other documented options are accepted', async (t) => {
  const store = await create(t, { suspend: false, active: false, unsafe: true, gcIntervalMs: 100, gcStrikes: 2 })
  await store.ready()
  t.is(store.shouldSuspend, false, 'suspend: false')
  t.is(store.active, false, 'active: false')
  const core = store.get({ name: 'a' })
  await core.append('x')
  t.is(core.length, 1, 'store works')
  await core.close()
})
