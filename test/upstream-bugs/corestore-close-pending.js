#!/usr/bin/env node
// corestore 7.12.5: a store session closed while one of its get()s by name is still
// preloading (the name's alias being read) does not wait for that session: close()
// resolves, the preload then fails with "Corestore is closed", and the session is left
// with `closed === false` (hypercore never marks a session whose open failed closed).
// Code that closes a store session and then checks or awaits the close of what it opened
// sees a session that is neither open nor closed.
// Sim: feature `close` (arg 0), invariant `api`: "close: 2 of 2 sessions whose get() was
// preloading when their store session closed are open after close() resolved".
//
//   node test/upstream-bugs/corestore-close-pending.js [--store upstream|project]
//
// Real Corestore (upstream by default; `project`: corestore-ts from dist/), a temporary
// folder. Prints details, then `bug present` (exit 10) or `bug gone` (exit 0); exit 1 or 2:
// the script itself broke.
const os = require('os')
const path = require('path')
const fs = require('fs')

const PRESENT = 10

function storeClass (argv) {
  const i = argv.indexOf('--store')
  const which = i === -1 ? 'upstream' : argv[i + 1]
  if (which === 'upstream') return require('corestore')
  if (which === 'project') return require(path.join(__dirname, '..', '..', 'dist'))
  console.error('usage: node corestore-close-pending.js [--store upstream|project]')
  process.exit(2)
}

async function main () {
  const Corestore = storeClass(process.argv)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-close-pending-'))
  const store = new Corestore(dir)
  await store.ready()
  const ns = store.namespace('app')
  const session = ns.get({ name: 'a' })
  const ready = session.ready().then(() => 'opened', (err) => `failed: ${err.message}`)
  await ns.close()
  const closedAtClose = session.closed
  const outcome = await ready
  console.log(`after the store session's close(): session.closed ${closedAtClose}; its ready() ${outcome}; closed now ${session.closed}`)
  await session.close().catch(() => {})
  await store.close()
  fs.rmSync(dir, { recursive: true, force: true })
  const present = !closedAtClose
  console.log(present ? 'bug present' : 'bug gone')
  process.exit(present ? PRESENT : 0)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
