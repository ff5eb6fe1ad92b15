#!/usr/bin/env node
// Standalone reproduction (no simulator): corestore 7.12.5 keeps a core whose open
// failed. Every later get() of that core fails with the same error although the disk is
// fine again, and the store's close() rejects with it and never closes its storage: the
// folder's RocksDB lock is held until the process exits, and a new Corestore on the same
// folder cannot open ("File descriptor could not be locked").
// Cause: CoreTracker#close (corestore/index.js) awaits Promise.all of every core's
// close(); a core whose open failed rejects its close() with that error, so _close
// throws before `await this.storage.close()`.
//
// Two ways a core's open fails, each on a fresh folder:
//   missing  get({ key: <a key never stored>, createIfMissing: false })
//   enospc   get({ name }) of a new core while the disk is full: its first write
//            batch fails with ENOSPC (the simulator's disk-full and disk-error steps)
// The full disk is injected in rocksdb-native's binding, the real database below
// hypercore-storage, exactly once.
//
//   node test/upstream-bugs/corestore-failed-open-lock.js [--store upstream|project]
//
// --store upstream (default): the `corestore` package in node_modules.
// --store project: corestore-ts from dist/ (`npm run build` first), for contrast.
// Prints `bug present` and exits 10 when any case leaves a later get() failing, close()
// rejecting or the folder locked, `bug gone` and exits 0 when none does; anything else (exit 1 or 2) means the
// script itself broke.
const crypto = require('crypto')
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
  console.error('usage: node corestore-failed-open-lock.js [--store upstream|project]')
  process.exit(2)
}

// rocksdb-native's binding as hypercore-storage loads it. A failed write never reaches
// RocksDB (nothing applied), as a write refused by a full disk.
const binding = require(path.join(path.dirname(createRequire(require.resolve('hypercore-storage')).resolve('rocksdb-native')), 'binding.js'))
const fail = { writes: 0, injected: 0 }
const write = binding.write
binding.write = function (...args) {
  if (fail.writes === 0) return write.apply(this, args)
  fail.writes--
  fail.injected++
  const done = args[args.length - 1]
  const ctx = args[args.length - 2]
  setImmediate(() => done.call(ctx, Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })))
}
async function settle (promise) {
  try {
    await promise
    return null
  } catch (err) {
    return err
  }
}

// Each case gives the options of a get() whose open fails, and arms its fault.
const CASES = {
  missing () {
    return { key: crypto.randomBytes(32), createIfMissing: false }
  },
  enospc () {
    fail.writes = 1
    return { name: 'new-core' }
  }
}

async function runCase (label, { name, Corestore }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `corestore-failed-open-${label}-`))
  try {
    const store = new Corestore(dir)
    await store.ready()
    const injected = fail.injected
    const opts = CASES[label]()
    const openErr = await settle(store.get(opts).ready())
    fail.writes = 0
    const why = openErr === null ? 'resolved' : `rejected (${openErr.code ?? openErr.message})`
    if (openErr === null || (label !== 'missing' && fail.injected !== injected + 1)) {
      throw new Error(`${label}: the open did not fail on the fault (${why}): the reproduction no longer applies`)
    }
    // The disk is fine again: a second get of a core that can open must open it.
    const retryErr = label === 'missing' ? null : await settle(store.get(opts).ready())
    const closeErr = await settle(store.close())
    const again = new Corestore(dir)
    const reopenErr = await settle(again.ready())
    if (reopenErr === null) await again.close()
    const retry = label === 'missing' ? '' : ` get() again: ${retryErr === null ? 'opened' : `rejected (${retryErr.message})`};`
    console.log(`${name}, ${label}: core ready() ${why};${retry} store.close() ${closeErr === null ? 'resolved' : `rejected (${closeErr.message})`}; a new store on the folder ${reopenErr === null ? 'opened' : `failed (${reopenErr.message})`}`)
    return retryErr !== null || closeErr !== null || reopenErr !== null
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

async function main () {
  const store = storeClass(process.argv.slice(2))
  let present = false
  for (const label of Object.keys(CASES)) {
    if (await runCase(label, store)) present = true
  }
  console.log(present ? 'bug present' : 'bug gone')
  return present ? PRESENT : 0
}

main().then((code) => { process.exitCode = code }, (err) => {
  console.error(`error: ${err.message}`)
  process.exitCode = 2
})
