#!/usr/bin/env node
// Standalone reproduction (no simulator): in corestore 7.12.5 a store whose own open
// fails (here: RocksDB answers EIO to the first read of its open)
// never closes its storage. ready() rejects, close() resolves, yet the folder's RocksDB
// lock stays held until the process exits: a new Corestore on the same folder cannot
// open ("File descriptor could not be locked"), although the disk is fine again.
// Cause: Corestore extends ReadyResource, whose close() runs _close() only for a
// resource that opened; Corestore#_open does not close the storage it made when it
// throws.
//
//   node test/upstream-bugs/corestore-failed-ready-lock.js [--store upstream|project]
//
// The fault: one read batch of rocksdb-native's binding (the real database below
// hypercore-storage) answers EIO, once, as the simulator's `read-error` does.
// --store upstream (default): the `corestore` package in node_modules.
// --store project: corestore-ts from dist/ (`npm run build` first), for contrast.
// Prints `bug present` and exits 10, or `bug gone` and exits 0; anything else (exit 1
// or 2) means the script itself broke.
const fs = require('fs')
const os = require('os')
const path = require('path')
const { createRequire } = require('module')

const PRESENT = 10

function storeClass (argv) {
  const i = argv.indexOf('--store')
  const which = i === -1 ? 'upstream' : argv[i + 1]
  if (which === 'upstream') return { name: `corestore ${require('corestore/package.json').version}`, Corestore: require('corestore') }
  if (which === 'project') return { name: 'corestore-ts (dist/)', Corestore: require(path.join(__dirname, '..', '..', 'dist')) }
  console.error('usage: node corestore-failed-ready-lock.js [--store upstream|project]')
  process.exit(2)
}

// rocksdb-native's binding as hypercore-storage loads it: a failed read runs and
// answers one error per get of its batch, as RocksDB does on an I/O error.
const binding = require(path.join(path.dirname(createRequire(require.resolve('hypercore-storage')).resolve('rocksdb-native')), 'binding.js'))
const fail = { reads: 0, injected: 0 }
const read = binding.read
binding.read = function (...args) {
  if (fail.reads === 0) return read.apply(this, args)
  fail.reads--
  fail.injected++
  const gets = args[2].length
  const done = args[args.length - 1]
  const err = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })
  args[args.length - 1] = function () {
    return done.call(this, Array.from({ length: gets }, () => err), Array.from({ length: gets }, () => null))
  }
  return read.apply(this, args)
}

async function settle (promise) {
  try {
    await promise
    return null
  } catch (err) {
    return err
  }
}

async function main () {
  const { name, Corestore } = storeClass(process.argv.slice(2))
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corestore-failed-ready-'))
  try {
    // A folder with a store in it (its primary key and one core), closed cleanly.
    const first = new Corestore(dir)
    await first.get({ name: 'a-core' }).ready()
    await first.close()

    const store = new Corestore(dir)
    fail.reads = 1
    const openErr = await settle(store.ready())
    fail.reads = 0
    if (openErr === null || fail.injected !== 1) throw new Error(`the store's open did not fail on the read error (${openErr === null ? 'resolved' : openErr.message}): the reproduction no longer applies`)
    const closeErr = await settle(store.close())
    const again = new Corestore(dir)
    const reopenErr = await settle(again.ready())
    if (reopenErr === null) await again.close()
    console.log(`${name}: ready() with one read failing: rejected (${openErr.code ?? openErr.message}); close(): ${closeErr === null ? 'resolved' : `rejected (${closeErr.message})`}; a new store on the folder (no fault): ${reopenErr === null ? 'opened' : `failed (${reopenErr.message})`}`)
    const present = closeErr !== null || reopenErr !== null
    console.log(present ? 'bug present' : 'bug gone')
    return present ? PRESENT : 0
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().then((code) => { process.exitCode = code }, (err) => {
  console.error(`error: ${err.message}`)
  process.exitCode = 2
})
