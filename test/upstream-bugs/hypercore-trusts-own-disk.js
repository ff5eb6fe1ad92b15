#!/usr/bin/env node
// hypercore 11.37.1 trusts the blocks it reads from its own disk: a block whose bytes rotted
// on disk (one bit flipped) comes back from core.get() as if nothing were wrong, with no
// error, though the core holds the block's hash in its Merkle tree and could check it.
// `audit()` does find it (a dropped block), and a peer that asks for the block rejects
// the bad copy (its proof does not verify): the damage reaches the local app only.
// Sim: `corrupt-read` steps (block target); the simulator tolerates exactly this: a get on
// the peer whose own disk flipped the read, returning the exact flipped copy (counted as
// "rotten reads served").
//
//   node test/upstream-bugs/hypercore-trusts-own-disk.js [--store upstream|project]
//
// Real store, temporary folder. The rot is made on disk: the store is closed, the block's
// record is rewritten through hypercore-storage's database with its last bit flipped (what a bad sector
// under RocksDB's checksums would hand back), and the store is opened again.
// Prints details, then `bug present` (exit 10) or `bug gone` (exit 0); exit 1 or 2: the
// script itself broke.
const os = require('os')
const path = require('path')
const fs = require('fs')
const CoreStorage = require('hypercore-storage')
const keys = require('hypercore-storage/lib/keys')

const PRESENT = 10

function storeClass (argv) {
  const i = argv.indexOf('--store')
  const which = i === -1 ? 'upstream' : argv[i + 1]
  if (which === 'upstream') return require('corestore')
  if (which === 'project') return require(path.join(__dirname, '..', '..', 'dist'))
  console.error('usage: node hypercore-trusts-own-disk.js [--store upstream|project]')
  process.exit(2)
}
const Corestore = storeClass(process.argv)

async function main () {
  const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'hc-rot-')))
  try {
    let store = new Corestore(dirs[0])
    let core = store.get({ name: 'x' })
    await core.ready()
    for (let i = 0; i < 4; i++) await core.append(Buffer.from(`block-${i}`))
    const ptr = core.core.storage.core.dataPointer
    const key = core.key
    await store.close()

    // Bit rot under the database: block 1's record, last bit flipped.
    const storage = new CoreStorage(dirs[0])
    await storage.ready()
    const k = keys.core.block(ptr, 1)
    const good = await storage.db.get(k)
    const bad = Buffer.from(good)
    bad[bad.length - 1] ^= 0x01
    await storage.db.put(k, bad)
    await storage.close()
    console.log(`rotted block 1 on disk: ${JSON.stringify(good.toString())} -> ${JSON.stringify(bad.toString())}`)

    store = new Corestore(dirs[0])
    core = store.get({ name: 'x' })
    await core.ready()
    let local
    try {
      local = await core.get(1)
      console.log(`local get(1): ${JSON.stringify(local.toString())} (no error)`)
    } catch (err) {
      console.log(`local get(1) failed: ${err.code || err.message}`)
    }
    const report = await core.core.audit({ dryRun: true })
    console.log(`audit({ dryRun: true }): droppedBlocks ${report.droppedBlocks}, droppedTreeNodes ${report.droppedTreeNodes}`)

    const other = new Corestore(dirs[1])
    const remote = other.get({ key })
    await remote.ready()
    const a = store.replicate(true)
    const b = other.replicate(false)
    a.pipe(b).pipe(a)
    a.on('error', () => {})
    b.on('error', () => {})
    const fetched = await remote.get(1, { timeout: 1000 }).then((v) => v.toString(), (err) => `rejected (${err.code})`)
    console.log(`a peer's get(1) from it: ${fetched}`)
    a.destroy()
    b.destroy()
    await other.close()
    await store.close()

    const present = local !== undefined && local.equals(bad)
    console.log(present ? 'bug present' : 'bug gone')
    process.exitCode = present ? PRESENT : 0
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
