import test from 'brittle'
import { once } from 'events'
import Hypercore from 'hypercore'
import crypto from 'hypercore-crypto'
import { create } from '../helpers/create'
import { collect, keepAlive, rejectsCode } from '../helpers/assert'
import { collected } from '../helpers/gc'
import type { Core } from '../../src/store/types'
import { resolveSuspend } from '../../src/store/store-options'
import { platform } from '../helpers/runtime'

// watch/unwatch, findingPeers, audit, list, getAuth, suspend/resume, staticify.
// Groups are in groups.test.ts.

test('api: watch sees every core opened from then on, unwatch stops it', async (t) => {
  const store = await create(t)
  const before = store.get({ name: 'before' })
  await before.ready()

  const seen: Core[] = []
  const fn = (core: Core): void => { seen.push(core) }
  store.watch(fn)
  const a = store.get({ name: 'a' })
  const b = store.namespace('ns').get({ name: 'b' })
  await Promise.all([a.ready(), b.ready()])
  t.is(seen.length, 2, 'called once per new core, from the root and from store sessions')
  t.ok(seen.includes(a.core as Core) && seen.includes(b.core as Core), 'with those cores')
  const again = store.get({ name: 'a' })
  await again.ready()
  t.is(seen.length, 2, 'not called for a core already open')

  store.unwatch(fn)
  const c = store.get({ name: 'c' })
  await c.ready()
  t.is(seen.length, 2, 'not called after unwatch')
  await Promise.all([before.close(), a.close(), b.close(), again.close(), c.close()])
})

test('api: a store session watches all cores and stops when it closes', async (t) => {
  const store = await create(t)
  const sub = store.session()
  const seen: Core[] = []
  sub.watch((core) => seen.push(core))
  const a = store.get({ name: 'from-root' })
  await a.ready()
  t.is(seen[0], a.core, 'sees a core the root opened')
  await sub.close()
  const b = store.get({ name: 'later' })
  await b.ready()
  t.is(seen.length, 1, 'a closed session watches no more')
  await a.close()
  await b.close()
})

test('api: a weak session made in watch closes with its core (seed: weak ref)', async (t) => {
  keepAlive(t)
  const store = await create(t, { gcIntervalMs: 10, gcStrikes: 2 })
  const weak: Hypercore[] = []
  store.watch((core) => {
    weak.push(new Hypercore(null, null, { core, weak: true }))
  })
  const session = store.get({ name: 'hello' })
  await session.ready()
  t.is(weak.length, 1, 'weak session opened passively')
  const w = weak[0] as Hypercore
  await w.ready()
  const weakClosed = once(w, 'close')
  const gone = collected(store, session.core as Core)
  await session.close()
  await gone
  await weakClosed
  t.ok(w.closed, 'weak session closed when GC closed the core: it did not keep it alive')
})

test('api: findingPeers holds reads of sessions before and after it until released (seed: finding peers)', async (t) => {
  const store = await create(t)
  const early = store.get({ key: Buffer.alloc(32) })
  await early.ready()
  const done = store.findingPeers()
  const late = store.get({ key: Buffer.alloc(32, 1) })
  await late.ready()

  // Each update is watched on its own: one held session must not hide the other.
  const settled = { early: false, late: false }
  const earlyUpdate = early.update().then(() => { settled.early = true })
  const lateUpdate = late.update().then(() => { settled.late = true })
  // Real work in between: a broken findingPeers would let an update settle meanwhile.
  const busy = store.get({ name: 'busy' })
  for (let i = 0; i < 5; i++) await busy.append(String(i))
  await busy.close()
  t.absent(settled.early, 'a session opened before findingPeers() waits')
  t.absent(settled.late, 'a session opened after findingPeers() waits')
  done()
  await Promise.all([earlyUpdate, lateUpdate])
  t.ok(settled.early && settled.late, 'both settle once released')
  done() // twice is harmless
  const free = store.get({ key: Buffer.alloc(32, 2) })
  t.absent(await free.update(), 'after release an update without peers settles at once')
  await Promise.all([early.close(), late.close(), free.close()])
})

test('api: audit checks every stored core and finds them clean (seed: audit)', async (t) => {
  const store = await create(t)
  const cores = [
    store.get({ keyPair: crypto.keyPair() }),
    store.get({ keyPair: crypto.keyPair() }),
    store.get({ name: 'test' }),
    store.get({ name: 'another' })
  ]
  const lengths = [20, 40, 80, 100]
  for (let i = 0; i < 100; i++) {
    for (let c = 0; c < cores.length; c++) {
      if (i < (lengths[c] as number)) await cores[c]?.append(String(i))
    }
  }
  const records = await collect(store.audit())
  t.is(records.length, 4, 'one record per stored core')
  for (const { audit, key, discoveryKey } of records) {
    t.ok(audit.droppedBits === 0 && audit.droppedBlocks === 0 && audit.droppedTreeNodes === 0 && !audit.corrupt, 'clean')
    t.alike(crypto.discoveryKey(key as Buffer), discoveryKey, 'key and discovery key agree')
  }
  const keys = records.map((r) => (r.key as Buffer).toString('hex')).sort()
  t.alike(keys, cores.map((c) => (c.key as Buffer).toString('hex')).sort(), 'all four cores audited')
  t.is(store.sessions.count(), 4, 'audit closed its own sessions')
  await Promise.all(cores.map((c) => c.close()))
})

test('api: list streams the discovery keys of stored cores, all or of one namespace', async (t) => {
  const store = await create(t)
  const ns = store.namespace('app')
  const rootA = store.get({ name: 'a' })
  const rootB = store.get({ name: 'b' })
  const inNs = ns.get({ name: 'a' })
  const unnamed = store.get({ keyPair: crypto.keyPair() })
  const all = [rootA, rootB, inNs, unnamed]
  await Promise.all(all.map((c) => c.ready()))
  const hex = (list: Buffer[]): string[] => list.map((b) => b.toString('hex')).sort()
  const dks = (cs: Hypercore[]): string[] => hex(cs.map((c) => c.discoveryKey as Buffer))

  t.alike(hex(await collect(store.list())), dks(all), 'list(): every stored core')
  t.alike(hex(await collect(store.list(ns.ns))), dks([inNs]), 'list(namespace): the named cores of that namespace')
  t.alike(hex(await collect(store.list(store.ns))), dks([rootA, rootB]), 'list(root namespace): the root\'s named cores')
  t.alike(await collect(store.list(Buffer.alloc(32, 0xee))), [], 'an unused namespace lists nothing')
  await Promise.all(all.map((c) => c.close()))
})

test('api: getAuth returns the stored key, manifest and key pair, or null', async (t) => {
  const store = await create(t)
  const core = store.get({ name: 'a' })
  await core.ready()
  const auth = await store.getAuth(core.discoveryKey as Buffer) as { key: Buffer, manifest: { signers: Array<{ publicKey: Buffer }> }, keyPair: { publicKey: Buffer } | null }
  t.alike(auth.key, core.key, 'key')
  t.alike(auth.manifest.signers[0]?.publicKey, core.manifest?.signers[0]?.publicKey, 'manifest')
  t.alike(auth.keyPair?.publicKey, (await store.createKeyPair('a')).publicKey, 'the derived key pair')
  t.is(await store.getAuth(crypto.randomBytes(32)), null, 'unknown discovery key: null')
  await core.close()
})

test('api: suspend flushes and suspends the storage, resume brings it back', async (t) => {
  const store = await create(t)
  const core = store.get({ name: 'a' })
  await core.append('before')
  // The suspended flag is internal to rocksdb-native; read it to see the call went through.
  const suspended = (): boolean => (store.storage as unknown as { rocks: { _state: { _suspended: boolean } } }).rocks._state._suspended
  const logs: string[] = []
  await store.suspend({ log: (msg) => logs.push(msg) })
  t.ok(suspended(), 'storage suspended')
  t.is(logs[0], 'Suspending db...', 'logged the start')
  t.is(logs[logs.length - 1], 'Suspending db completed', 'and the end')
  await store.resume()
  t.absent(suspended(), 'resumed')
  await core.append('after')
  t.alike(await core.get(1), Buffer.from('after'), 'the store works after resume')
  await core.close()

  const never = await create(t, { suspend: false })
  const noLogs: string[] = []
  await never.suspend({ log: (msg) => noLogs.push(msg) })
  t.is(noLogs.length, 0, 'suspend: false makes suspend() a no-op')
})

test('api: suspend defaults as upstream: on, except on Android where only suspend: true turns it on', (t) => {
  t.is(resolveSuspend({}, 'linux'), true, 'linux: on by default')
  t.is(resolveSuspend({ suspend: false }, 'darwin'), false, 'suspend: false turns it off')
  t.is(resolveSuspend({}, 'android'), false, 'android: off by default')
  t.is(resolveSuspend({ suspend: true }, 'android'), true, 'android: suspend: true turns it on')
  t.is(resolveSuspend({}), platform !== 'android', 'this platform')
})

test('api: staticify freezes a core under a signer-less manifest with the same blocks', async (t) => {
  const store = await create(t)
  const core = store.get({ name: 'src' })
  await core.append(['a', 'b', 'c'])
  const frozen = await store.staticify(core)
  t.ok(frozen.opened, 'ready when returned')
  t.unlike(frozen.key, core.key, 'a new key')
  t.is(frozen.manifest?.signers.length, 0, 'no signers')
  t.is(frozen.manifest?.quorum, 0, 'quorum 0')
  t.is(frozen.manifest?.prologue?.length, 3, 'prologue pins the length')
  t.alike(frozen.manifest?.prologue?.hash, await core.treeHash(), 'and the tree hash')
  t.is(frozen.length, 3, 'same length')
  t.alike(await frozen.get(2), Buffer.from('c'), 'same blocks')
  t.absent(frozen.writable, 'cannot be appended to')
  t.alike(frozen.key, Hypercore.key(frozen.manifest as Hypercore.Manifest), 'key is its manifest hash')
  await core.append('d')
  t.is(frozen.length, 3, 'later appends to the source do not change it')

  const empty = store.get({ name: 'empty' })
  await empty.ready()
  await rejectsCode(t, store.staticify(empty), 'BAD_ARGUMENT', 'an empty core cannot be frozen')
  await Promise.all([core.close(), frozen.close(), empty.close()])
})
