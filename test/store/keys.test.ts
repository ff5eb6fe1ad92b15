import test from 'brittle'
import Hypercore from 'hypercore'
import Corestore from '../../src'
import { create, tmpDir } from '../helpers/create'
import { UpstreamCorestore, type UpstreamStore } from '../helpers/upstream'
import type { T } from '../helpers/assert'

// Differential tests: named-core keys must be byte-identical to upstream corestore
// 7.12.5 opened with the same primary key, or data written by one is lost to the other.

const PRIMARY_KEYS = [Buffer.alloc(32, 0), Buffer.alloc(32, 1), Buffer.from('a0'.repeat(16) + '5f'.repeat(16), 'hex')]

const NAMES: Array<string | Buffer> = [
  'main',
  '',
  'ünïcødé ✓ 日本語 🦄',
  'x'.repeat(600),
  'é'.repeat(300) + '🦄'.repeat(100),
  Buffer.from([0, 1, 2, 255]),
  Buffer.alloc(0),
  Buffer.alloc(1024, 7)
]

function label (name: string | Buffer): string {
  if (Buffer.isBuffer(name)) return `buffer(${name.byteLength})`
  return name.length > 24 ? `string(${name.length})` : JSON.stringify(name)
}

async function upstream (t: T, primaryKey: Buffer): Promise<UpstreamStore> {
  const store = new UpstreamCorestore(await tmpDir(t), { primaryKey, unsafe: true })
  t.teardown(() => store.close())
  await store.ready()
  return store
}

interface Pair { ours: Corestore, theirs: UpstreamStore }

/** The same store path in both implementations, e.g. root, namespace('a'), ... */
type Scope = (s: { namespace (n: string): unknown, session (o: { namespace: Buffer }): unknown }) => unknown

const SCOPES: Array<[string, Scope]> = [
  ['root', (s) => s],
  ["namespace('a')", (s) => s.namespace('a')],
  ["namespace('a').namespace('b')", (s) => (s.namespace('a') as Corestore).namespace('b')],
  ['session({ namespace })', (s) => s.session({ namespace: Buffer.alloc(32, 0xab) })],
  ["session({ namespace }).namespace('c')", (s) => (s.session({ namespace: Buffer.alloc(32, 0xab) }) as Corestore).namespace('c')],
  ['unicode namespace', (s) => s.namespace('名前空間 ✓')]
]

for (const primaryKey of PRIMARY_KEYS) {
  const pk = primaryKey.toString('hex').slice(0, 8)

  test(`keys: createKeyPair matches upstream (primary key ${pk}…)`, async (t) => {
    const pair: Pair = { ours: await create(t, { primaryKey }), theirs: await upstream(t, primaryKey) }
    const namespaces = [undefined, Buffer.alloc(32), Buffer.alloc(32, 0xcd)]
    for (const name of NAMES) {
      for (const ns of namespaces) {
        const a = await pair.ours.createKeyPair(name, ns)
        const b = await pair.theirs.createKeyPair(name, ns)
        const where = `${label(name)} ns=${ns === undefined ? 'default' : ns.toString('hex').slice(0, 4)}`
        t.alike(a.publicKey, b.publicKey, `publicKey ${where}`)
        t.alike(a.secretKey, b.secretKey, `secretKey ${where}`)
      }
    }
  })

  test(`keys: get({ name }).key matches upstream in every scope (primary key ${pk}…)`, async (t) => {
    const ours = await create(t, { primaryKey })
    const theirs = await upstream(t, primaryKey)
    for (const [scopeName, scope] of SCOPES) {
      const o = scope(ours) as Corestore
      const u = scope(theirs) as UpstreamStore
      for (const name of NAMES) {
        // '' means "no name" to get(), as upstream; buffer names are refused by get()
        // (the storage keeps aliases as strings; errors.test.ts) and compared above.
        if (typeof name !== 'string' || name === '') continue
        const a = o.get({ name })
        const b = u.get({ name })
        await a.ready()
        await b.ready()
        t.alike(a.key, b.key, `${scopeName} ${label(name)}`)
        await a.close()
        await b.close()
      }
      // Keys derived through createKeyPair in a scope agree with that scope's named cores.
      const kp = await o.createKeyPair('main')
      const c = o.get({ name: 'main' })
      await c.ready()
      t.alike(c.manifest?.signers[0]?.publicKey, kp.publicKey, `${scopeName}: named core signed by createKeyPair('main')`)
      await c.close()
    }
  })
}

test('keys: namespaced stores derive the same namespace buffer as upstream', async (t) => {
  const ours = await create(t, { primaryKey: PRIMARY_KEYS[1] })
  const theirs = await upstream(t, PRIMARY_KEYS[1] as Buffer)
  const o = ours.namespace('a').namespace(Buffer.from('b'))
  const u = theirs.namespace('a').namespace(Buffer.from('b')) as unknown as { ns: Buffer }
  t.alike(o.ns, u.ns, 'nested namespace buffer')
  t.not(o.ns, ours.ns, 'different from the root namespace')
})

test('keys: named cores keep their stored key when reopened (seed: named cores are stable, v0 manifest)', async (t) => {
  const dir = await tmpDir(t)
  const store = new Corestore(dir)
  await store.ready()
  const keyPair = await store.createKeyPair('test')
  const manifest = { version: 0, signers: [{ publicKey: keyPair.publicKey }] }
  const core = store.get({ name: 'test', manifest })
  await core.ready()
  const expected = core.manifest
  const key = core.key
  t.is(expected?.version, 0, 'stored with the v0 manifest given')
  t.alike(key, Hypercore.key(manifest), 'key is the hash of that manifest')
  await core.close()
  await store.close()

  const fresh = new Corestore(dir)
  const again = fresh.get({ name: 'test' })
  await again.ready()
  t.alike(again.manifest, expected, 'reopened by name: same manifest, not a new v1 one')
  t.alike(again.key, key, 'same key')
  t.ok(again.writable, 'still writable: key pair derived from the name')
  await again.close()
  await fresh.close()
})

test('keys: named core manifests have one signer that is not the core key (seed: basic)', async (t) => {
  const store = await create(t)
  const core = store.get({ name: 'test' })
  await core.ready()
  t.is(core.manifest?.signers.length, 1, 'one signer')
  t.unlike(core.key, core.manifest?.signers[0]?.publicKey, 'key is the manifest hash, not the public key')
  t.alike(core.key, Hypercore.key({ version: 1, signers: [{ publicKey: core.manifest?.signers[0]?.publicKey as Buffer }] }), 'v1 manifest')
  await core.close()
})

test('keys: manifestVersion gives the same named keys as upstream, 0 meaning the default', async (t) => {
  const primaryKey = PRIMARY_KEYS[2] as Buffer
  for (const manifestVersion of [undefined, 0, 1, 2]) {
    const ours = await create(t, { primaryKey, manifestVersion })
    const theirs = new UpstreamCorestore(await tmpDir(t), { primaryKey, unsafe: true, manifestVersion })
    t.teardown(() => theirs.close())
    const a = ours.get({ name: 'v' })
    const b = theirs.get({ name: 'v' })
    await Promise.all([a.ready(), b.ready()])
    t.alike(a.key, b.key, `manifestVersion ${String(manifestVersion)}: same key`)
    t.is(a.manifest?.version, b.manifest?.version, `manifestVersion ${String(manifestVersion)}: same manifest version`)
    await Promise.all([a.close(), b.close()])
  }
})
