import test from 'brittle'
import Corestore from '../../src'
import { tmpDir } from '../helpers/create'
import { OURS, UPSTREAM, namespaced, type Implementation } from '../helpers/interop'
import { appendEverywhere, verifyAuditClean, verifyFixture, writeFixture } from '../helpers/interop-fixture'
import { exchange, serveOneWay } from '../helpers/interop-replication'

// Differential tests against upstream corestore 7.12.5 (a devDependency): the same
// folders and the same wire, read and written by both implementations.

/** [writer, reader] pairs: each direction once. */
const DIRECTIONS: ReadonlyArray<readonly [Implementation, Implementation]> = [[UPSTREAM, OURS], [OURS, UPSTREAM]]

for (const [writer, reader] of DIRECTIONS) {
  test(`storage: a folder written by ${writer.label} opens in ${reader.label}, and back`, async (t) => {
    const dir = await tmpDir(t)
    const fixture = await writeFixture(writer.Store, dir, await tmpDir(t))

    // The fixture must hold every kind of core it claims to, or the checks below prove less.
    const kinds = fixture.cores
    t.ok(kinds.some((c) => c.manifestVersion === 0 && c.writable), 'fixture: a writable v0-manifest named core')
    t.ok(kinds.some((c) => c.keyPair !== null), 'fixture: a core from a key pair')
    t.ok(kinds.some((c) => c.namespaces.length === 2), 'fixture: a core in a nested namespace')
    t.ok(kinds.some((c) => !c.writable && c.blocks.includes(null) && c.blocks.some((b) => b !== null)),
      'fixture: a sparse core replicated in')
    t.is(fixture.discoveryKeys.length, kinds.length, 'fixture: list() has every core')
    t.is(fixture.appsDiscoveryKeys.length, 1, 'fixture: list(namespace) has the one core named in it')

    const there = new reader.Store(dir)
    t.teardown(() => there.close())
    await verifyFixture(t, there, fixture, `${reader.label} on ${writer.label}'s folder`)
    await verifyAuditClean(t, there, fixture, reader.label)
    await appendEverywhere(there, fixture, reader.label)
    await there.close()

    const back = new writer.Store(dir)
    t.teardown(() => back.close())
    await verifyFixture(t, back, fixture, `${writer.label} after ${reader.label} appended`)
    await verifyAuditClean(t, back, fixture, writer.label)
    await back.close()
  })
}

test('primary key: new Corestore(dir) reads the one upstream persisted', async (t) => {
  const dir = await tmpDir(t)
  const upstream = new UPSTREAM.Store(dir)
  t.teardown(() => upstream.close())
  await upstream.ready()
  const primaryKey = upstream.primaryKey as Buffer
  const pair = await upstream.createKeyPair('a')
  const chat = await namespaced(upstream, ['apps', 'chat'])
  const nestedPair = await chat.createKeyPair('log')
  await chat.close()
  await upstream.close()

  const ours = new Corestore(dir)
  t.teardown(() => ours.close())
  await ours.ready()
  t.alike(ours.primaryKey, primaryKey, 'same primary key')
  t.alike(await ours.createKeyPair('a'), pair, 'same key pair for a name')
  const ourChat = await namespaced(ours, ['apps', 'chat'])
  t.alike(await ourChat.createKeyPair('log'), nestedPair, 'same key pair in a nested namespace')
  await ourChat.close()
  await ours.close()

  // Passing the stored key back is accepted with or without `unsafe`.
  for (const opts of [{ primaryKey }, { primaryKey, unsafe: true }]) {
    const again = new Corestore(dir, opts)
    await again.ready()
    t.alike(again.primaryKey, primaryKey, `accepted with unsafe: ${String(opts.unsafe)}`)
    await again.close()
  }

  const other = new Corestore(dir, { primaryKey: Buffer.alloc(32, 9) })
  const err = await other.ready().then(() => null, (e: { code?: string }) => e)
  t.is(err?.code, 'STORAGE_CONFLICT', 'another primary key is refused')
  await other.close()

  const upstreamAgain = new UPSTREAM.Store(dir)
  t.teardown(() => upstreamAgain.close())
  await upstreamAgain.ready()
  t.alike(upstreamAgain.primaryKey, primaryKey, 'the refused key left the storage untouched')
  await upstreamAgain.close()
})

test('primary key: one chosen in upstream is the one ours reads', async (t) => {
  const dir = await tmpDir(t)
  const chosen = Buffer.alloc(32, 0x5a)
  const upstream = new UPSTREAM.Store(dir, UPSTREAM.withPrimaryKey(chosen))
  t.teardown(() => upstream.close())
  const core = upstream.get({ name: 'a' })
  await core.ready()
  const key = core.key
  await core.close()
  await upstream.close()

  const ours = new Corestore(dir)
  t.teardown(() => ours.close())
  await ours.ready()
  t.alike(ours.primaryKey, chosen, 'same primary key')
  const same = ours.get({ name: 'a' })
  await same.ready()
  t.alike(same.key, key, 'same named core')
  t.ok(same.writable, 'and it is writable here')
  await same.close()
  await ours.close()
})

test('named keys: the same options give the same keys in both', async (t) => {
  const primaryKey = Buffer.alloc(32, 3)
  for (const manifestVersion of [undefined, 0, 1, 2]) {
    const seen: unknown[] = []
    for (const impl of [OURS, UPSTREAM]) {
      const store = new impl.Store(await tmpDir(t), impl.withPrimaryKey(primaryKey, { manifestVersion }))
      t.teardown(() => store.close())
      const sub = store.namespace('n')
      const root = store.get({ name: 'a' })
      const nested = sub.get({ name: 'b' })
      await root.ready()
      await nested.ready()
      seen.push({ root: root.key, nested: nested.key, version: nested.manifest?.version })
      await root.close()
      await nested.close()
      await sub.close()
      await store.close()
    }
    t.alike(seen[0], seen[1], `manifestVersion: ${String(manifestVersion)}`)
  }
})

for (const [writer, reader] of DIRECTIONS) {
  for (const stored of [false, true]) {
    const how = stored ? 'stored but not open (dynamic attach)' : 'open'
    test(`replication: ${writer.label} serves ${reader.label}, core ${how}`, (t) =>
      serveOneWay(t, writer, reader, { stored }))
  }
}

test('replication: one link carries cores both ways', (t) => exchange(t, OURS, UPSTREAM))
