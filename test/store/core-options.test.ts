import test from 'brittle'
import crypto from 'hypercore-crypto'
import Corestore from '../../src'
import { create, tmpDir } from '../helpers/create'
import { link } from '../helpers/replicate'
import type { Core } from '../../src/store/types'
import type { T } from '../helpers/assert'

// Core options get() forwards to hypercore when it opens a core: each one where
// hypercore 11.37.1 acts on it, shown by what it changes. They apply when the core is
// opened; a get() of a core that is already open shares it as it is (as upstream).
// hypercore ignores `force` behind a store: see the last test.

/** Resolves true once `cond()` holds, false after `ms` of real time. */
async function eventually (cond: () => boolean | Promise<boolean>, ms = 2000): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (await cond()) return true
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return cond()
}

/** A writer store with one named core of `blocks`, and a reader store linked to it. */
async function pair (t: T, blocks: string[]): Promise<{ writer: Corestore, reader: Corestore, key: Buffer }> {
  const writer = await create(t)
  const reader = await create(t)
  const core = writer.get({ name: 'w' })
  await core.append(blocks)
  link(t, writer, reader)
  return { writer, reader, key: core.key as Buffer }
}

test('core options: allowFork: false keeps a reader on its fork when the writer truncates', async (t) => {
  for (const allowFork of [true, false]) {
    const { writer, reader, key } = await pair(t, ['a', 'b'])
    const r = reader.get({ key, allowFork })
    t.alike(await r.get(1), Buffer.from('b'), `allowFork ${String(allowFork)}: read before the fork`)
    const w = writer.get({ name: 'w' })
    await w.truncate(1)
    await w.append('B')
    if (allowFork) {
      t.ok(await eventually(() => r.fork === 1), 'allowFork (default): the reader follows the writer to fork 1')
      t.alike(await r.get(1), Buffer.from('B'), 'and reads the new block')
    } else {
      await r.update({ wait: true })
      t.is(r.fork, 0, 'allowFork: false: the reader stays on fork 0')
      t.alike(await r.get(1, { wait: false }), Buffer.from('b'), 'and keeps the old block')
    }
    await Promise.all([r.close(), w.close()])
  }
})

test('core options: inflightRange bounds the requests in flight to a peer', async (t) => {
  const blocks = Array.from({ length: 40 }, (_, i) => `block ${i}`)
  const most: number[] = []
  for (const inflightRange of [[1, 1], undefined] as const) {
    const { reader, key } = await pair(t, blocks)
    const r = reader.get(inflightRange === undefined ? { key } : { key, inflightRange: [...inflightRange] })
    await r.ready()
    const replicator = (r.core as Core).replicator as unknown as { peers: Array<{ inflight: number }> }
    let max = 0
    const sample = (): void => { for (const p of replicator.peers) max = Math.max(max, p.inflight) }
    r.on('download', sample)
    const range = r.download({ start: 0, end: blocks.length })
    const timer = setInterval(sample, 0)
    await range.done()
    clearInterval(timer)
    most.push(max)
    t.is(r.contiguousLength, blocks.length, `${inflightRange === undefined ? 'default' : 'inflightRange [1, 1]'}: everything downloaded`)
    await r.close()
  }
  t.is(most[0], 1, 'inflightRange [1, 1]: never more than one request in flight')
  t.ok((most[1] ?? 0) > 1, `default: up to ${String(most[1])} in flight`)
})

test('core options: notDownloadingLinger sets how long a core keeps downloading after its last active session', async (t) => {
  const store = await create(t)
  for (const [linger, what] of [[0, 'stops at once'], [30, 'stops after 30 ms']] as const) {
    const key = crypto.randomBytes(32)
    // The core takes the option from the get() that opens it; a passive session then
    // keeps it open without keeping it downloading.
    const active = store.get({ key, notDownloadingLinger: linger })
    const keep = store.get({ key, active: false })
    await Promise.all([keep.ready(), active.ready()])
    const replicator = (keep.core as Core).replicator
    t.ok(replicator.downloading, `linger ${linger}: downloading while a session is active`)
    await active.close()
    if (linger === 0) t.absent(replicator.downloading, `linger 0: ${what}`)
    else {
      t.ok(replicator.downloading, `linger ${linger}: still downloading right after`)
      t.ok(await eventually(() => !replicator.downloading), `linger ${linger}: ${what}`)
    }
    await keep.close()
  }
  // Without the option hypercore lingers 20 to 40 s.
  const active = store.get({ key: crypto.randomBytes(32) })
  const keep = store.get({ key: active.key as Buffer, active: false })
  await Promise.all([keep.ready(), active.ready()])
  await active.close()
  t.ok((keep.core as Core).replicator.downloading, 'default: still downloading after the last active session')
  await keep.close()
})

test('core options: allowLatestBlock makes a reader fetch the newest block with each length update', async (t) => {
  for (const allowLatestBlock of [true, false]) {
    const { writer, reader, key } = await pair(t, ['a', 'b', 'c'])
    const r = reader.get({ key, allowLatestBlock })
    t.alike(await r.get(0), Buffer.from('a'), 'first read')
    const w = writer.get({ name: 'w' })
    await w.append('d')
    await r.get(1)
    t.ok(await eventually(() => r.length === 4), 'the reader learns the new length')
    if (allowLatestBlock) t.ok(await eventually(() => r.has(3)), 'allowLatestBlock: it holds the newest block without asking for it')
    else t.absent(await r.has(3), 'default: it holds only what it asked for')
    await Promise.all([r.close(), w.close()])
  }
})

test('core options: overwrite empties a stored core when it is opened', async (t) => {
  const dir = await tmpDir(t)
  const first = new Corestore(dir)
  await first.get({ name: 'x' }).append(['a', 'b'])
  await first.close()

  const store = new Corestore(dir)
  t.teardown(() => store.close())
  const kept = store.get({ name: 'x' })
  await kept.ready()
  t.is(kept.length, 2, 'without overwrite the blocks are there')
  await kept.close()
  await store.close()

  const again = new Corestore(dir)
  t.teardown(() => again.close())
  const wiped = again.get({ name: 'x', overwrite: true })
  await wiped.ready()
  t.is(wiped.length, 0, 'overwrite: the core opens empty')
  t.is(await wiped.get(0, { wait: false }), null, 'and its blocks are gone')
  await wiped.append('new')
  t.alike(await wiped.get(0), Buffer.from('new'), 'under the same key it takes new appends')
  await wiped.close()
})

test('core options: legacy signs and verifies a compat core the legacy way', async (t) => {
  // A compat core: its key is its signer's public key (hypercore 10 style).
  for (const [writerLegacy, readerLegacy] of [[true, true], [true, false], [false, false]]) {
    const writer = await create(t)
    const reader = await create(t)
    const keyPair = crypto.keyPair()
    const w = writer.get({ keyPair, key: keyPair.publicKey, legacy: writerLegacy })
    await w.append(['x', 'y'])
    link(t, writer, reader)
    const r = reader.get({ key: keyPair.publicKey, legacy: readerLegacy })
    const label = `writer legacy ${String(writerLegacy)}, reader legacy ${String(readerLegacy)}`
    if (writerLegacy === readerLegacy) t.alike(await r.get(1, { timeout: 5000 }), Buffer.from('y'), `${label}: the reader verifies the block`)
    else {
      try {
        await r.get(1, { timeout: 500 })
        t.fail(`${label}: the reader accepted a block signed the other way`)
      } catch (err) {
        t.is((err as { code?: string }).code, 'REQUEST_TIMEOUT', `${label}: the signature does not verify, the block never arrives`)
      }
    }
    await Promise.all([r.close(), w.close()])
  }
})

test('core options: force is accepted and ignored (the stored core is kept)', async (t) => {
  // hypercore 11.37.1 acts on `force` only when the stored key differs from the key
  // asked for; behind a store the core is found by the discovery key of that very key,
  // so it never does. Not forwarding it as `overwrite` matters: the data stays.
  const dir = await tmpDir(t)
  const first = new Corestore(dir)
  const core = first.get({ name: 'x' })
  await core.append(['a', 'b'])
  const key = core.key as Buffer
  await first.close()

  const store = new Corestore(dir)
  t.teardown(() => store.close())
  const forced = store.get({ key, force: true })
  await forced.ready()
  t.is(forced.length, 2, 'force: true leaves the stored blocks')
  t.alike(await forced.get(1), Buffer.from('b'), 'and they read back')
  await forced.close()
})
