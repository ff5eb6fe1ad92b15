// Child script for the cross-runtime interop tests (run under Bare by
// test/integration/bare-interop.test.ts), always with corestore-ts. Modes:
//   write <dir> <remoteDir> <fixture.json>   writes the interop fixture, saves it
//   verify <dir> <fixture.json>              brittle test: opens the fixture, checks it,
//                                            appends a block to every writable core, saves it
//   serve <dir> <port> <count>               writes `count` blocks to core 'shared', prints
//                                            its key, replicates over TCP until the socket closes
//   fetch <dir> <port> <keyHex> <count>      replicates over TCP, prints the blocks as hex
import type Brittle from 'brittle'
import net from 'net'
import process from 'process'
import Corestore from '../../../src'
import { appendEverywhere, verifyAuditClean, verifyFixture, writeFixture } from '../interop-fixture'
import { OURS, makeBlocks } from '../interop'
import { loadFixture, saveFixture } from '../fixture-json'

const [mode, ...args] = process.argv.slice(2) as string[]
// Not from ../runtime: that prints a skip summary at exit, which is the suite's, not this child's.
const via = `ours on ${typeof (globalThis as { Bare?: unknown }).Bare === 'object' ? 'bare' : 'node'}`

async function write ([dir, remoteDir, file]: string[]): Promise<void> {
  saveFixture(file as string, await writeFixture(OURS.Store, dir as string, remoteDir as string))
}

function verify ([dir, file]: string[]): void {
  // Loaded here: brittle prints a TAP summary at exit, which the other modes' output must not hold.
  const test = require('brittle') as typeof Brittle
  test(`interop: ${via} reads the fixture`, async (t) => {
    const fixture = loadFixture(file as string)
    const store = new Corestore(dir as string)
    t.teardown(() => store.close())
    await verifyFixture(t, store, fixture, via)
    await verifyAuditClean(t, store, fixture, via)
    await appendEverywhere(store, fixture, via)
    saveFixture(file as string, fixture)
  })
}

async function serve ([dir, port, count]: string[]): Promise<void> {
  const store = new Corestore(dir as string)
  const core = store.get({ name: 'shared' })
  await core.append(makeBlocks('shared', Number(count)))
  const socket = net.connect(Number(port), '127.0.0.1')
  const stream = store.replicate(true)
  socket.pipe(stream).pipe(socket)
  stream.on('error', () => {}) // the parent ends the link by closing the socket
  socket.on('error', () => {})
  console.log((core.key as Buffer).toString('hex'))
  await new Promise((resolve) => socket.once('close', resolve))
  stream.destroy()
  await store.close()
}

async function fetch ([dir, port, keyHex, count]: string[]): Promise<void> {
  const store = new Corestore(dir as string)
  const socket = net.connect(Number(port), '127.0.0.1')
  const stream = store.replicate(true)
  socket.pipe(stream).pipe(socket)
  stream.on('error', () => {})
  const core = store.get({ key: Buffer.from(keyHex as string, 'hex') })
  const blocks: string[] = []
  for (let i = 0; i < Number(count); i++) blocks.push((await core.get(i) as Buffer).toString('hex'))
  console.log(JSON.stringify(blocks))
  await core.close()
  stream.destroy()
  socket.destroy()
  await store.close()
}

const modes: Record<string, (args: string[]) => void | Promise<void>> = { write, verify, serve, fetch }
const run = modes[mode ?? '']
if (run === undefined) {
  console.error(`usage: interop-peer write|verify|serve|fetch ... (got ${String(mode)})`)
  process.exit(2)
} else {
  Promise.resolve(run(args)).catch((err) => {
    console.error(err)
    process.exit(1)
  })
}
