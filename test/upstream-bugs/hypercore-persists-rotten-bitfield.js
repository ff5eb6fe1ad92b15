#!/usr/bin/env node
// hypercore 11.37.1 trusts the bitfield pages it reads from its own disk, and writes them
// back: a writer whose bitfield page rotted (the bit of block 0 flipped) reopens believing
// it lacks block 0 (its bytes are still on disk), and its next append rewrites the page
// from memory, so the rot is now stored as written. After the disk is repaired and the
// writer reopens, it still lacks block 0 (while its contiguousLength counts it), no
// replica can get block 0 from it, and `audit()` finds the block to drop.
// Sim: `corrupt-read` steps (bitfield target) on a core's owner; the simulator tolerates
// exactly this: convergence failures of a core whose owner's disk flipped a read of that
// core's bitfield or tree (counted as "replicas stuck on a writer's rotten metadata").
//
//   node test/upstream-bugs/hypercore-persists-rotten-bitfield.js [--store upstream|project]
//
// Real stores, temporary folders. The rot is made on disk: the writer's store is closed and
// bitfield page 0's record is rewritten through hypercore-storage's database with bit 0
// flipped; the writer opens, appends, closes; the page is then as the writer wrote it.
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
  console.error('usage: node hypercore-persists-rotten-bitfield.js [--store upstream|project]')
  process.exit(2)
}
const Corestore = storeClass(process.argv)

async function main () {
  const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'hc-rot-bits-')))
  try {
    let store = new Corestore(dirs[0])
    let core = store.get({ name: 'x' })
    await core.ready()
    for (let i = 0; i < 4; i++) await core.append(Buffer.from(`block-${i}`))
    const ptr = core.core.storage.core.dataPointer
    const key = core.key
    await store.close()

    const storage = new CoreStorage(dirs[0])
    await storage.ready()
    const k = keys.core.bitfield(ptr, 0, 0)
    const good = await storage.db.get(k)
    const bad = Buffer.from(good)
    bad[0] ^= 0x01
    await storage.db.put(k, bad)
    await storage.close()
    console.log('rotted bitfield page 0 on disk: the bit of block 0 flipped')

    store = new Corestore(dirs[0])
    core = store.get({ name: 'x' })
    await core.ready()
    console.log(`writer reopened: length ${core.length}, contiguousLength ${core.contiguousLength}, has block 0: ${await core.has(0)}`)
    await core.append(Buffer.from('block-4'))
    await store.close()

    // The disk is repaired (the page reads back as written), and the writer opens again.
    store = new Corestore(dirs[0])
    core = store.get({ name: 'x' })
    await core.ready()
    const has0 = await core.has(0)
    console.log(`after an append and a reopen: contiguousLength ${core.contiguousLength}, has block 0: ${has0}`)
    const other = new Corestore(dirs[1])
    const remote = other.get({ key })
    await remote.ready()
    const a = store.replicate(true)
    const b = other.replicate(false)
    a.pipe(b).pipe(a)
    a.on('error', () => {})
    b.on('error', () => {})
    const fetched = await remote.get(0, { timeout: 2000 }).then((v) => v.toString(), (err) => `failed (${err.code})`)
    console.log(`a replica's get(0): ${fetched}`)
    const report = await core.core.audit({ dryRun: true })
    console.log(`writer audit({ dryRun: true }): droppedBlocks ${report.droppedBlocks}, droppedBits ${report.droppedBits}`)
    a.destroy()
    b.destroy()
    await other.close()
    await store.close()
    // Present: the repaired writer still lacks block 0 and cannot serve it.
    const present = !has0 && fetched !== 'block-0'
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
