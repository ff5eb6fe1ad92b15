#!/usr/bin/env node
// hypercore 11.37.1 trusts the tree nodes it reads from its own disk, also to sign: a writer
// whose root node rotted on disk (one bit of its hash flipped) opens without complaint,
// appends, and signs a new tree built on the rotten hash. That signed tree conflicts with
// the history its replicas verified: a replica that hears of it reports a conflict
// (`[hypercore] conflict detected`) and the core stops replicating: the replica's get of
// the new block fails and its length drops to 0. No replica serves a mix of the two
// histories; none serves the core at all. `audit()` on the writer does find the rotten
// node (a dropped tree node), but only if someone runs it before appending.
// Sim: `corrupt-read` steps (tree target) on a core's owner; the simulator tolerates
// exactly this: convergence failures of a core whose owner's disk flipped a read of that
// core's tree (counted as "cores whose writer signed over a rotten tree").
//
//   node test/upstream-bugs/hypercore-signs-rotten-tree.js [--store upstream|project]
//
// Real stores, temporary folders, one writer and one replica. The rot is made on disk: the
// writer's store is closed and the root's record is rewritten through hypercore-storage's
// database with its last bit flipped, then the writer opens again and appends.
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
  console.error('usage: node hypercore-signs-rotten-tree.js [--store upstream|project]')
  process.exit(2)
}
const Corestore = storeClass(process.argv)

async function main () {
  const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'hc-rot-tree-')))
  try {
    let store = new Corestore(dirs[0])
    let core = store.get({ name: 'x' })
    await core.ready()
    for (let i = 0; i < 4; i++) await core.append(Buffer.from(`block-${i}`))
    const ptr = core.core.storage.core.dataPointer
    const key = core.key
    const other = new Corestore(dirs[1])
    const remote = other.get({ key })
    await remote.ready()
    let a = store.replicate(true)
    let b = other.replicate(false)
    a.pipe(b).pipe(a)
    await remote.download({ start: 0, end: 4 }).done()
    console.log(`replica has ${remote.contiguousLength}/${remote.length}`)
    a.destroy()
    b.destroy()
    await store.close()

    const storage = new CoreStorage(dirs[0])
    await storage.ready()
    const k = keys.core.tree(ptr, 3) // the root of 4 blocks
    const good = await storage.db.get(k)
    const bad = Buffer.from(good)
    bad[bad.length - 1] ^= 0x01
    await storage.db.put(k, bad)
    await storage.close()
    console.log('rotted tree node 3 (the root) on disk: last bit of its hash flipped')

    store = new Corestore(dirs[0])
    core = store.get({ name: 'x' })
    await core.ready()
    let appended = 'ok'
    await core.append(Buffer.from('block-4')).catch((err) => { appended = err.code || err.message })
    console.log(`writer append of block 4: ${appended}, length ${core.length}`)
    a = store.replicate(true)
    b = other.replicate(false)
    a.pipe(b).pipe(a)
    a.on('error', () => {})
    b.on('error', () => {})
    const fetched = await remote.get(4, { timeout: 2000 }).then((v) => v.toString(), (err) => `failed (${err.code})`)
    console.log(`replica get(4): ${fetched}; replica length ${remote.length}`)
    const report = await core.core.audit({ dryRun: true })
    console.log(`writer audit({ dryRun: true }): droppedTreeNodes ${report.droppedTreeNodes}, droppedBlocks ${report.droppedBlocks}`)
    a.destroy()
    b.destroy()
    await other.close()
    await store.close()
    // Present: the writer signed over the rotten node (its append went through) and the
    // replica could not take the new block. Gone: the append is refused, or it replicates.
    const present = appended === 'ok' && fetched !== 'block-4'
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
