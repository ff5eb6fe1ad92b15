#!/usr/bin/env node
// corestore 7.12.5: staticify(core) stores the frozen copy over the original's storage
// core (`createCore({ ..., core: state.storage.core })`), and that write replaces the
// original's auth: once the original is opened again (a restart, or GC closed it), it
// has no key pair and is read-only, so its writer can never append again
// (SESSION_NOT_WRITABLE). Ours copies upstream's staticify and has it too.
// Sim: a `staticify` api step (not shipped: it makes the owner's later appends fail,
// `append-error: ... SESSION_NOT_WRITABLE`, on both stores, seed 1 `--features staticify`).
//
//   node test/upstream-bugs/corestore-staticify-unwritable.js [--store upstream|project]
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
  console.error('usage: node corestore-staticify-unwritable.js [--store upstream|project]')
  process.exit(2)
}

async function main () {
  const Corestore = storeClass(process.argv)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-staticify-'))
  let store = new Corestore(dir)
  const core = store.get({ name: 'a' })
  await core.append(['x', 'y'])
  const frozen = await store.staticify(core)
  await frozen.close()
  await core.close()
  await store.close()
  store = new Corestore(dir)
  const again = store.get({ name: 'a' })
  await again.ready()
  const appended = await again.append('z').then(() => 'ok', (err) => err.code || err.message)
  console.log(`after staticify() and a restart, the original: writable ${again.writable}, length ${again.length}, append: ${appended}`)
  await again.close()
  await store.close()
  fs.rmSync(dir, { recursive: true, force: true })
  const present = appended !== 'ok'
  console.log(present ? 'bug present' : 'bug gone')
  process.exit(present ? PRESENT : 0)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
