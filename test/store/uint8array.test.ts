import test from 'brittle'
import Hypercore from 'hypercore'
import crypto from 'hypercore-crypto'
import Corestore from '../../src'
import { create, tmpDir } from '../helpers/create'

// Upstream checks bytes with b4a.isBuffer, which takes any Uint8Array (Bare, WebCrypto):
// a drop-in must take them too, and give the same cores as Buffers do.
function u8 (buf: Buffer): Uint8Array {
  return new Uint8Array(buf)
}

test('uint8array: keys, discovery keys, key pairs and groups work as plain Uint8Arrays', async (t) => {
  const store = await create(t)
  const writer = store.get({ name: 'w' })
  await writer.append('hello')
  const key = writer.key as Buffer

  const byKey = store.get(u8(key))
  const byOpt = store.get({ key: u8(key) })
  const byDk = store.get({ discoveryKey: u8(writer.discoveryKey as Buffer) })
  for (const s of [byKey, byOpt, byDk]) await s.ready()
  t.is(byKey.core, writer.core, 'get(Uint8Array) shares the core')
  t.is(byOpt.core, writer.core, 'get({ key: Uint8Array }) shares the core')
  t.is(byDk.core, writer.core, 'get({ discoveryKey: Uint8Array }) shares the core')
  t.alike(await byKey.get(0), Buffer.from('hello'))

  const kp = crypto.keyPair()
  const plain = store.get({ keyPair: { publicKey: u8(kp.publicKey), secretKey: u8(kp.secretKey) } })
  await plain.append('x')
  const same = store.get({ keyPair: kp })
  await same.ready()
  t.is(plain.core, same.core, 'a Uint8Array key pair gives the same core as a Buffer one')
  t.ok(plain.writable, 'and it can write')

  const grouped = store.get({ name: 'g', group: u8(Buffer.alloc(32, 9)) })
  await grouped.ready()
  t.ok(grouped.core?.header.group?.key.equals(Buffer.alloc(32, 9)), 'group taken from a Uint8Array')
  t.ok(Hypercore.discoveryKey(key).equals(writer.discoveryKey as Buffer))
})

test('uint8array: primaryKey, namespace, names and topics as plain Uint8Arrays', async (t) => {
  const pk = Buffer.alloc(32, 3)
  const a = new Corestore(await tmpDir(t), { primaryKey: u8(pk) })
  const b = new Corestore(await tmpDir(t), { primaryKey: pk })
  t.teardown(() => a.close())
  t.teardown(() => b.close())
  await a.ready()
  t.alike(a.primaryKey, pk, 'primary key stored as given')
  t.alike(await a.createKeyPair(u8(Buffer.from('n'))), await b.createKeyPair('n'), 'Uint8Array name derives the same pair')
  t.alike(a.namespace(u8(Buffer.from('ns'))).ns, b.namespace('ns').ns, 'Uint8Array namespace name derives the same namespace')
  const ns = new Corestore(await tmpDir(t), { primaryKey: pk, namespace: u8(b.namespace('x').ns) })
  t.teardown(() => ns.close())
  t.alike(await ns.createKeyPair('k'), await b.namespace('x').createKeyPair('k'), 'namespace option taken from a Uint8Array')
  const handle = a.notifyGroup(u8(Buffer.alloc(32, 1)))
  t.ok(Buffer.isBuffer(handle.topic), 'notifyGroup topic becomes a Buffer')
  handle.destroy()
})
