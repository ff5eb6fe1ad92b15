import test from 'brittle'
import fs from 'fs'
import path from 'path'
import Hypercore from 'hypercore'
import crypto from 'hypercore-crypto'
import Corestore from '../../src'
import { create, tmpDir } from '../helpers/create'
import { collect, rejectsCode, throwsCode } from '../helpers/assert'
import type { CorestoreOptions, GetOptions } from '../../src/store/types'

// Bad input: every case throws synchronously (or rejects, when only storage can tell)
// with a stable code, before anything is written.

const KEY = crypto.randomBytes(32)

// Wrong types on purpose: the casts let the tests pass what a JavaScript caller could.
const BAD_GETS: Array<[string, unknown]> = [
  ['key of 31 bytes', { key: Buffer.alloc(31) }],
  ['key of 33 bytes', { key: Buffer.alloc(33) }],
  ['key as a number', { key: 42 }],
  ['key as an object', { key: { length: 32 } }],
  ['bare buffer of 16 bytes', Buffer.alloc(16)],
  ['a number instead of options', 42],
  ['a boolean instead of options', true],
  ['bad hex (64 chars, not hex)', { key: 'zz'.repeat(32) }],
  ['hex of 62 chars', { key: 'ab'.repeat(31) }],
  ['bare string that is no key', 'not a key'],
  ['bad z32 (52 chars outside the alphabet)', { key: '0'.repeat(52) }],
  ['z32 of 51 chars', { key: 'y'.repeat(51) }],
  ['discoveryKey of 16 bytes', { discoveryKey: Buffer.alloc(16) }],
  ['discoveryKey as a number', { discoveryKey: 7 }],
  ['discoveryKey not matching key', { key: KEY, discoveryKey: crypto.randomBytes(32) }],
  ['keyPair as a string', { keyPair: 'pair' }],
  ['keyPair.publicKey of 31 bytes', { keyPair: { publicKey: Buffer.alloc(31), secretKey: Buffer.alloc(64) } }],
  ['keyPair.secretKey of 10 bytes', { keyPair: { publicKey: Buffer.alloc(32), secretKey: Buffer.alloc(10) } }],
  ['name as a number', { name: 5 }],
  ['name as an object', { name: { n: 1 } }],
  ['name as a buffer', { name: Buffer.from('abc') }],
  ['exclusive: "yes"', { key: KEY, exclusive: 'yes' }],
  ['writable: "no"', { key: KEY, writable: 'no' }],
  ['createIfMissing: 0', { key: KEY, createIfMissing: 0 }],
  ['timeout: -1', { key: KEY, timeout: -1 }],
  ['timeout: "1s"', { key: KEY, timeout: '1s' }],
  ['timeout: NaN', { key: KEY, timeout: NaN }],
  ['manifest as a string', { manifest: 'manifest' }],
  ['group of 16 bytes', { key: KEY, group: Buffer.alloc(16) }],
  ['nothing to identify a core', {}],
  ['empty name, nothing else', { name: '' }],
  ['no argument', undefined]
]

test('errors: bad get() input throws BAD_ARGUMENT synchronously and writes nothing', async (t) => {
  const store = await create(t)
  await store.ready()
  for (const [label, input] of BAD_GETS) {
    throwsCode(t, () => store.get(input as GetOptions), 'BAD_ARGUMENT', label)
  }
  t.is(store.cores.size, 0, 'no core opened')
  t.is(store.sessions.count(), 0, 'no session made')
  t.alike(await collect(store.list()), [], 'nothing stored')

  // The same input through a store session.
  const ns = store.namespace('n')
  throwsCode(t, () => ns.get({ key: Buffer.alloc(31) }), 'BAD_ARGUMENT', 'through a namespace too')
  await ns.close()
})

test('errors: good input in every accepted form passes the same checks', async (t) => {
  // The counterpart of the list above: the checks must not refuse valid forms.
  const store = await create(t)
  const keyPair = crypto.keyPair()
  const ok: GetOptions[] = [
    { key: KEY },
    { key: KEY.toString('hex') },
    { key: KEY, discoveryKey: crypto.discoveryKey(KEY) },
    { keyPair },
    { keyPair: { publicKey: keyPair.publicKey, secretKey: null } },
    { name: 'n', exclusive: false, writable: true, timeout: 0, group: Buffer.alloc(32) },
    { key: KEY, timeout: 10, createIfMissing: true }
  ]
  for (const opts of ok) {
    const s = store.get(opts)
    await s.ready()
    t.ok(s.opened, `opens: ${Object.keys(opts).join(', ')}`)
    await s.close()
  }
})

test('errors: a discovery key nobody stored rejects STORAGE_EMPTY on ready()', async (t) => {
  const store = await create(t)
  const dk = crypto.randomBytes(32)
  const session = store.get({ discoveryKey: dk })
  await rejectsCode(t, session.ready(), 'STORAGE_EMPTY', 'ready rejects')
  t.absent(await store.storage.hasCore(dk), 'nothing stored')
})

const BAD_OPTIONS: Array<[string, unknown]> = [
  ['options as a string', 'opts'],
  ['primaryKey of 31 bytes', { primaryKey: Buffer.alloc(31) }],
  ['primaryKey as hex string', { primaryKey: 'ab'.repeat(32) }],
  ['namespace of 16 bytes', { namespace: Buffer.alloc(16) }],
  ['namespace as a string', { namespace: 'app' }],
  ['gcStrikes: 0', { gcStrikes: 0 }],
  ['gcStrikes: 1.5', { gcStrikes: 1.5 }],
  ['gcIntervalMs: 0', { gcIntervalMs: 0 }],
  ['gcIntervalMs: "fast"', { gcIntervalMs: 'fast' }],
  ['gcIntervalMs: Infinity', { gcIntervalMs: Infinity }],
  ['manifestVersion: 3', { manifestVersion: 3 }],
  ['writable: "no"', { writable: 'no' }],
  ['readOnly: 1', { readOnly: 1 }],
  ['active: "yes"', { active: 'yes' }],
  ['unsafe: "true"', { unsafe: 'true' }],
  ['id as a number', { id: 5 }],
  ['treeCache as a number', { treeCache: 5 }]
]

test('errors: bad constructor options throw BAD_ARGUMENT before the folder is touched', async (t) => {
  const base = await tmpDir(t)
  const dir = path.join(base, 'store')
  for (const [label, opts] of BAD_OPTIONS) {
    throwsCode(t, () => new Corestore(dir, opts as CorestoreOptions), 'BAD_ARGUMENT', label)
  }
  t.absent(fs.existsSync(dir), 'no folder created')
})

test('errors: a missing or unusable storage throws BAD_ARGUMENT', async (t) => {
  // Not a path or storage instance; cast because the types already forbid these.
  for (const [label, storage] of [['undefined', undefined], ['null', null], ['empty path', ''], ['a number', 42], ['a plain object', {}]] as const) {
    throwsCode(t, () => new Corestore(storage as unknown as string), 'BAD_ARGUMENT', label)
  }
})

test('errors: bad input to namespace, session and createKeyPair', async (t) => {
  const store = await create(t)
  throwsCode(t, () => store.namespace(5 as unknown as string), 'BAD_ARGUMENT', 'namespace(number)')
  throwsCode(t, () => store.session({ namespace: Buffer.alloc(8) }), 'BAD_ARGUMENT', 'session({ namespace: 8 bytes })')
  throwsCode(t, () => store.session({ writable: 'no' as unknown as boolean }), 'BAD_ARGUMENT', 'session({ writable: "no" })')
  await rejectsCode(t, store.createKeyPair({} as unknown as string), 'BAD_ARGUMENT', 'createKeyPair(object)')
  t.is(store.corestores.size, 0, 'no store session left behind by the failed calls')
})

test('errors: use after close throws CORESTORE_CLOSED', async (t) => {
  const store = new Corestore(await tmpDir(t))
  await store.close()
  throwsCode(t, () => store.get({ name: 'x' }), 'CORESTORE_CLOSED', 'get by name')
  throwsCode(t, () => store.get(KEY), 'CORESTORE_CLOSED', 'get by key')
  throwsCode(t, () => store.replicate(true), 'CORESTORE_CLOSED', 'replicate')
  throwsCode(t, () => store.session(), 'CORESTORE_CLOSED', 'session')
})

test('errors: a mismatching primary key rejects STORAGE_CONFLICT on ready()', async (t) => {
  const dir = await tmpDir(t)
  const first = new Corestore(dir, { primaryKey: Buffer.alloc(32, 1) })
  await first.ready()
  await first.close()
  const second = new Corestore(dir, { primaryKey: Buffer.alloc(32, 2) })
  const early = second.get({ name: 'x' }) // made before the store knows
  const err = await rejectsCode(t, second.ready(), 'STORAGE_CONFLICT', 'rejects')
  t.ok(err instanceof Error && err.message.length > 0, 'with a message')
  await rejectsCode(t, early.ready(), 'STORAGE_CONFLICT', 'so does a session made before')
  throwsCode(t, () => second.get({ name: 'x' }), 'CORESTORE_CLOSED', 'a store that failed to open is closed')
  await second.close()
})

test('errors: hypercore-level failures keep hypercore\'s codes', async (t) => {
  const store = await create(t)
  const reader = store.get({ manifest: { version: 1, signers: [{ publicKey: crypto.keyPair().publicKey }] } })
  await reader.ready()
  await rejectsCode(t, reader.append('x'), 'SESSION_NOT_WRITABLE', 'append to a core without its secret key')
  t.ok(Hypercore.key(reader.manifest as Hypercore.Manifest).equals(reader.key as Buffer), 'the core itself is fine')
  await reader.close()
})
