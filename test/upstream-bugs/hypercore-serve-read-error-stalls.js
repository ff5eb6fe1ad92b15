#!/usr/bin/env node
// Standalone reproduction (no simulator): hypercore 11.37.1 stops serving a core to a
// peer after one read error while answering that peer's request. Peer.onrequest awaits
// _handleRequest (lib/replicator.js); when the storage read under req.fulfill() rejects,
// nothing answers the request (no data, no no-data) and the error goes nowhere. The
// requester keeps waiting for that block, and every later get() of that core from that
// peer times out as well, though the block is there, the disk is fine again and the link
// is up. Only a new connection clears it.
// Sim: autobase seed 15, peer 0 (the only indexer) had 3 reads fail at 606 s; after the
// heal its view never caught up with the other seven (it had the writers' blocks it had
// got before, and never applied another node).
//
// One core of 4 blocks on store A, replicated to store B; the first read A does to serve
// B fails once (injected in rocksdb-native's binding, the database under hypercore-storage).
// Printed too: the same on B's side, a read while verifying A's reply failing once: that
// get() waits for its timeout (no error, no retry; Autobase's gets have no timeout, so
// they wait for ever: the 2-peer shrink of autobase seed 15), and later gets work.
//
//   node test/upstream-bugs/hypercore-serve-read-error-stalls.js [--store upstream|project]
//
// --store upstream (default) | project: the Corestore both peers use (same result on both:
// the bug is hypercore's). Prints details, then `bug present` (exit 10) or `bug gone` (exit 0).
const fs = require('fs')
const os = require('os')
const path = require('path')
const { createRequire } = require('module')

const PRESENT = 10
const TIMEOUT_MS = 1500

const argv = process.argv.slice(2)
const which = argv.includes('--store') ? argv[argv.indexOf('--store') + 1] : 'upstream'
if (which !== 'upstream' && which !== 'project') {
  console.error('usage: node hypercore-serve-read-error-stalls.js [--store upstream|project]')
  process.exit(2)
}
const Corestore = which === 'upstream' ? require('corestore') : require(path.join(__dirname, '..', '..', 'dist'))

// rocksdb-native as hypercore-storage loads it: its read batches, and the binding below.
const rocksDir = path.dirname(createRequire(require.resolve('hypercore-storage')).resolve('rocksdb-native'))
const RocksDB = require(rocksDir)
const { ReadBatch } = require(path.join(rocksDir, 'lib', 'batch.js'))
const binding = require(path.join(rocksDir, 'binding.js'))

// Which read batch is being flushed, and whether the replicator made it to serve a request.
let flushing = null
const makeRead = RocksDB.prototype.read
RocksDB.prototype.read = function (...args) {
  const batch = makeRead.apply(this, args)
  const stack = new Error().stack
  batch.replication = /_handleRequest/.test(stack) ? 'serve' : /MerkleTree\.verify/.test(stack) ? 'verify' : null
  return batch
}
const flush = ReadBatch.prototype._flush
ReadBatch.prototype._flush = function (...args) {
  flushing = this // eslint-disable-line @typescript-eslint/no-this-alias -- the batch the binding call below belongs to
  return flush.apply(this, args)
}

const fail = { db: null, path: null, left: 0, injected: 0 }
const read = binding.read
binding.read = function (...args) {
  if (fail.left === 0 || args[0] !== fail.db || flushing === null || flushing.replication !== fail.path) return read.apply(this, args)
  fail.left--
  fail.injected++
  const gets = args[2].length
  const done = args[args.length - 1]
  const err = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })
  args[args.length - 1] = function () {
    return done.call(this, Array.from({ length: gets }, () => err), Array.from({ length: gets }, () => null))
  }
  return read.apply(this, args)
}

async function get (core, index) {
  try {
    return (await core.get(index, { timeout: TIMEOUT_MS })).toString()
  } catch (err) {
    return `${err.code ?? err.message}`
  }
}

// One case: store A serves a core of 4 blocks to store B; the first read of `path` on
// `side`'s database fails once. Returns what B's gets saw.
async function run (side, path_) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hypercore-replication-error-'))
  const a = new Corestore(path.join(root, 'a'))
  const b = new Corestore(path.join(root, 'b'))
  try {
    const served = a.get({ name: 'served' })
    await served.ready()
    for (let i = 0; i < 4; i++) await served.append(Buffer.from(`block ${i}`))
    const reader = b.get({ key: served.key })
    await reader.ready()
    const s1 = a.replicate(true)
    const s2 = b.replicate(false)
    s1.pipe(s2).pipe(s1)
    Object.assign(fail, { db: (side === 'a' ? a : b).storage.db._state._handle, path: path_, left: 1, injected: 0 })
    const first = await get(reader, 2)
    if (fail.injected !== 1) throw new Error(`no ${path_} read failed (${fail.injected} injected): the reproduction no longer applies`)
    const again = await get(reader, 2)
    const other = await get(reader, 3)
    s1.destroy()
    s2.destroy()
    return { first, again, other }
  } finally {
    fail.left = 0
    await a.close().catch(() => {})
    await b.close().catch(() => {})
    fs.rmSync(root, { recursive: true, force: true })
  }
}

async function main () {
  console.log(`hypercore ${require('hypercore/package.json').version} on ${which === 'upstream' ? `corestore ${require('corestore/package.json').version}` : 'corestore-ts'}`)
  let present = false
  for (const [side, path_, what] of [['a', 'serve', 'A\'s read to serve B\'s request'], ['b', 'verify', 'B\'s read to verify A\'s reply']]) {
    const { first, again, other } = await run(side, path_)
    console.log(`${what} fails once: B's get(2) ${first}; get(2) again (no fault, link up) ${again}; get(3) ${other}`)
    // The verdict is the serving side's stall; the verifying side is printed for the
    // record (its get waits for its timeout instead of failing or retrying, then recovers).
    if (side === 'a' && (again !== 'block 2' || other !== 'block 3')) present = true
  }
  console.log(present ? 'bug present' : 'bug gone')
  return present ? PRESENT : 0
}

main().then((code) => { process.exit(code) }, (err) => {
  console.error(`error: ${err.message}`)
  process.exit(2)
})
