#!/usr/bin/env node
// Standalone reproduction (no simulator): autobase 7.28.1 (on hypercore 11.37.1 and
// hypercore-storage 3.3.2) can show a node twice in its view after its process was
// killed and the base was opened again from disk.
//
// Four writers (one indexer, the bootstrap; three added as non-indexers, as the
// simulator's workload does) append in rounds, linked in a different random pattern each
// round, so their views reorder often. In one round one peer "crashes": its RocksDB is
// force-closed right after its k-th write batch was handed to RocksDB. Every batch handed
// over before the close completes (rocksdb-native waits for its I/O), so the folder holds
// exactly what a process killed at that moment leaves behind: whole batches, in order.
// The base and its Corestore are then dropped and opened again on the same folder; after
// all peers are linked again and updated, a view that holds one writer's node twice is
// the bug (a reorder that was half on disk is applied again on top of its own result).
// Sim: autobase seed 6, peer 4 crashed at 330 s, its view held node 0:4 twice from then on.
//
//   node test/upstream-bugs/autobase-crash-duplicate-node.js [--store upstream|project] [--no-crash]
//
// --store upstream (default) | project: the Corestore under the bases (same result on
// both: the bug is the app's). --no-crash: the same schedule without the crash, the
// control: must say `bug gone`. The schedule comes from a fixed seed; thread-pool timing
// can still move a crash point, so up to three schedules are tried.
// Prints details, then `bug present` (exit 10) or `bug gone` (exit 0).
const fs = require('fs')
const os = require('os')
const path = require('path')
const Autobase = require('autobase')
const { createRequire } = require('module')

const PRESENT = 10
const PEERS = 4
const ROUNDS = 8
const SCHEDULES = [49, 8, 7]

const argv = process.argv.slice(2)
const which = argv.includes('--store') ? argv[argv.indexOf('--store') + 1] : 'upstream'
if (which !== 'upstream' && which !== 'project') {
  console.error('usage: node autobase-crash-duplicate-node.js [--store upstream|project] [--no-crash]')
  process.exit(2)
}
const Corestore = which === 'upstream' ? require('corestore') : require(path.join(__dirname, '..', '..', 'dist'))
const crashing = !argv.includes('--no-crash')

// rocksdb-native's write batch as hypercore-storage loads it (not in the package's exports).
const { WriteBatch } = require(path.join(path.dirname(createRequire(require.resolve('hypercore-storage')).resolve('rocksdb-native')), 'lib', 'batch.js'))

// The crash: the victim database's k-th write batch is handed over, then the database closes.
const crash = { db: null, left: 0, fired: false }
for (const method of ['flush', 'tryFlush']) {
  const original = WriteBatch.prototype[method]
  WriteBatch.prototype[method] = function (...args) {
    const result = original.apply(this, args)
    if (crash.db !== null && this._db._state === crash.db._state && --crash.left === 0) {
      const db = crash.db
      crash.db = null
      crash.fired = true
      db.close({ force: true }).catch(() => {})
    }
    return result
  }
}

async function apply (nodes, view, host) {
  for (const { value } of nodes) {
    if (typeof value.add === 'string') await host.addWriter(Buffer.from(value.add, 'hex'), { indexer: false })
    else await view.append(value)
  }
}

async function openBase (store, bootstrap) {
  const base = new Autobase(store, bootstrap, { valueEncoding: 'json', open: (s) => s.get('view', { valueEncoding: 'json' }), apply })
  base.on('error', () => {}) // a crashed base fails its writes: expected
  await base.ready()
  return base
}

function link (a, b) {
  const s1 = a.replicate(true)
  const s2 = b.replicate(false)
  s1.pipe(s2).pipe(s1)
  s1.on('error', () => {})
  s2.on('error', () => {})
  return () => { s1.destroy(); s2.destroy() }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function readView (base) {
  const out = []
  for (let i = 0; i < base.view.length; i++) {
    const v = await base.view.get(i, { timeout: 1000 })
    if (typeof v.add !== 'string') out.push(`${v.w}:${v.i}`)
  }
  return out
}

async function schedule (seed) {
  let state = seed
  const random = () => { state = (state * 1103515245 + 12345) % 2147483648; return state / 2147483648 }
  const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1))
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'autobase-crash-'))
  // Fixed primary keys: the same writer keys, so the same linearization, on every run.
  const open = (i) => new Corestore(path.join(root, `p${i}`), { primaryKey: Buffer.alloc(32, i + 1), unsafe: true })
  const stores = [...Array(PEERS).keys()].map(open)
  const bases = [await openBase(stores[0], null)]
  for (let i = 1; i < PEERS; i++) bases.push(await openBase(stores[i], bases[0].key))
  let links = []
  const unlinkAll = () => { for (const cut of links) cut(); links = [] }
  for (let i = 1; i < PEERS; i++) links.push(link(stores[0], stores[i]))
  for (let i = 1; i < PEERS; i++) await bases[0].append({ add: bases[i].local.key.toString('hex') })
  for (let r = 0; r < 100 && !bases.every((b) => b.writable); r++) { for (const b of bases) await b.update(); await sleep(20) }
  const next = new Array(PEERS).fill(0)
  const crashes = []
  for (let round = 0; round < ROUNDS; round++) {
    unlinkAll()
    for (let i = 0; i < PEERS; i++) for (let j = i + 1; j < PEERS; j++) if (random() < 0.4) links.push(link(stores[i], stores[j]))
    for (let i = 0; i < PEERS; i++) { const n = int(0, 2); for (let q = 0; q < n; q++) await bases[i].append({ w: i, i: next[i]++ }) }
    const victim = random() < 0.6 ? int(0, PEERS - 1) : -1
    const at = victim >= 0 ? int(1, 12) : 0
    if (victim >= 0 && crashing) Object.assign(crash, { db: stores[victim].storage.db, left: at, fired: false })
    for (let q = 0; q < 10; q++) { for (const b of bases) await b.update().catch(() => {}); await sleep(15) }
    crash.db = null
    if (crash.fired) {
      crash.fired = false
      crashes.push(`round ${round}: peer ${victim} killed after its write batch ${at}`)
      unlinkAll()
      await Promise.race([bases[victim].close().catch(() => {}), sleep(300)])
      await Promise.race([stores[victim].close().catch(() => {}), sleep(300)])
      stores[victim] = open(victim)
      bases[victim] = await openBase(stores[victim], victim === 0 ? null : bases[0].key)
    }
  }
  unlinkAll()
  for (let i = 0; i < PEERS; i++) for (let j = i + 1; j < PEERS; j++) links.push(link(stores[i], stores[j]))
  for (let q = 0; q < 30; q++) { for (const b of bases) await b.update(); await sleep(30) }
  const twice = []
  for (const [p, base] of bases.entries()) {
    const view = await readView(base)
    const dup = view.filter((n, i) => view.indexOf(n) !== i)
    if (dup.length > 0) twice.push(`peer ${p}'s view holds ${dup.join(', ')} twice: ${view.join(' ')}`)
  }
  unlinkAll()
  for (const b of bases) await b.close().catch(() => {})
  for (const s of stores) await s.close().catch(() => {})
  fs.rmSync(root, { recursive: true, force: true })
  return { crashes, twice }
}

async function main () {
  console.log(`autobase ${require('autobase/package.json').version} on ${which === 'upstream' ? `corestore ${require('corestore/package.json').version}` : 'corestore-ts'}${crashing ? '' : ', no crash (control)'}`)
  for (const seed of crashing ? SCHEDULES : SCHEDULES.slice(0, 1)) {
    const { crashes, twice } = await schedule(seed)
    console.log(`schedule ${seed}: ${crashes.length === 0 ? 'no crash' : crashes.join('; ')}`)
    for (const line of twice) console.log(`  ${line}`)
    if (twice.length > 0) {
      console.log('bug present')
      process.exit(PRESENT)
    }
  }
  console.log('bug gone')
  process.exit(0)
}

main().catch((err) => { console.error(err); process.exit(1) })
