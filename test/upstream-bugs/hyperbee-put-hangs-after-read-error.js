#!/usr/bin/env node
// Standalone reproduction (no simulator): in Hyperbee 2.27.3, a put that fails on a read
// error (EIO from the disk while it walks the tree) never releases the bee's write lock,
// so every later put on that bee hangs until the bee is reopened. Cause: Batch#put
// (hyperbee/index.js) takes the tree lock with `await this.lock()` and, for bee.put (a
// batch without its own lock), returns `this._put(...)` with no try/finally to unlock
// when _put throws.
//
//   node test/upstream-bugs/hyperbee-put-hangs-after-read-error.js [--store upstream|project]
//
// The fault: one RocksDB read batch (rocksdb-native's binding, the real database below
// hypercore-storage) answers EIO, exactly once, on the first read of the put. The hang
// is seen without a clock: Node's event loop runs dry (`beforeExit`) while the second
// put is still pending, so nothing can ever settle it.
// --store upstream (default): the `corestore` package; --store project: corestore-ts
// from dist/ (`npm run build` first). The bug is Hyperbee's: it shows on both.
// Prints `bug present` and exits 10, or `bug gone` and exits 0; anything else (exit 1
// or 2) means the script itself broke.
const fs = require('fs')
const os = require('os')
const path = require('path')
const { createRequire } = require('module')
const Hyperbee = require('hyperbee')

const PRESENT = 10

function storeClass (argv) {
  const i = argv.indexOf('--store')
  const which = i === -1 ? 'upstream' : argv[i + 1]
  if (which === 'upstream') return require('corestore')
  if (which === 'project') return require(path.join(__dirname, '..', '..', 'dist'))
  console.error('usage: node hyperbee-put-hangs-after-read-error.js [--store upstream|project]')
  process.exit(2)
}

// The rocksdb-native binding that hypercore-storage loads: its read(db, batch, ops, ...,
// callback) answers one error per get of the batch, as RocksDB does on an I/O error.
const binding = require(path.join(path.dirname(createRequire(require.resolve('hypercore-storage')).resolve('rocksdb-native')), 'binding.js'))
let readsToFail = 0
let readsFailed = 0
const read = binding.read
binding.read = function (...args) {
  if (readsToFail === 0) return read.apply(this, args)
  readsToFail--
  readsFailed++
  const gets = args[2].length
  const done = args[args.length - 1]
  const err = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })
  args[args.length - 1] = function () {
    return done.call(this, Array.from({ length: gets }, () => err), Array.from({ length: gets }, () => null))
  }
  return read.apply(this, args)
}

const OPTS = { keyEncoding: 'utf-8', valueEncoding: 'utf-8' }

async function main () {
  const Corestore = storeClass(process.argv.slice(2))
  console.log(`hyperbee ${require('hyperbee/package.json').version}`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperbee-read-error-'))
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
  // A bee with a few keys, closed and reopened so the next put must read its tree from disk.
  let store = new Corestore(dir)
  let bee = new Hyperbee(store.get({ name: 'bee' }), OPTS)
  for (let i = 0; i < 5; i++) await bee.put(`k${i}`, `v${i}`)
  await bee.close()
  await store.close()
  store = new Corestore(dir)
  bee = new Hyperbee(store.get({ name: 'bee' }), OPTS)
  await bee.ready()

  readsToFail = 1
  let first = 'resolved'
  try {
    await bee.put('a', '1')
  } catch (err) {
    first = `rejected (${err.code ?? err.message})`
  }
  console.log(`put 1, its first read fails with EIO (${readsFailed} read failed): ${first}`)
  if (readsFailed !== 1 || !first.startsWith('rejected')) throw new Error('the injected read error did not reach the put: the reproduction no longer applies')

  // The disk is fine again. A second put must settle (resolve or reject) by itself.
  let second = null
  const exitIfHung = () => {
    if (second !== null) return
    console.log('put 2 (no fault): still pending with nothing left to run: it hangs')
    console.log('bug present')
    process.exit(PRESENT)
  }
  process.on('beforeExit', exitIfHung)
  try {
    await bee.put('b', '2')
    second = 'resolved'
  } catch (err) {
    second = `rejected (${err.message})`
  }
  process.removeListener('beforeExit', exitIfHung)
  console.log(`put 2 (no fault): ${second}`)
  const got = await bee.get('b')
  await bee.close()
  await store.close()
  if (got === null || got.value !== '2') throw new Error(`put 2 settled but bee.get('b') gave ${JSON.stringify(got)}`)
  console.log('bug gone')
  return 0
}

main().then((code) => { process.exitCode = code }, (err) => {
  console.error(`error: ${err.message}`)
  process.exitCode = 2
})
