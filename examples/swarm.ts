// Replicates a named core between two processes over Hyperswarm on this machine.
//
//   npm run example:swarm
//
// The first process runs a small local DHT (@hyperswarm/testnet on 127.0.0.1, so no
// public bootstrap node is involved), writes a few blocks to the core named 'example'
// and announces it. It then starts a second process that finds it through the DHT,
// downloads the blocks, prints them and exits. Both processes use temporary folders.
import { spawn } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import createTestnet from '@hyperswarm/testnet'
import HyperDHT from 'hyperdht'
import Hyperswarm from 'hyperswarm'
import Corestore from '../src'

const BLOCKS = ['hello', 'from', 'another', 'process']

/** How long the reader waits for a block before giving up, in milliseconds. */
const BLOCK_TIMEOUT_MS = 15000

/**
 * A swarm on its own DHT bound to 127.0.0.1. Hyperswarm's default DHT binds 0.0.0.0
 * and may try to holepunch, which a loopback-only testnet does not need.
 */
function openSwarm (store: Corestore, bootstrap: HyperDHT.Address[]): Hyperswarm {
  const dht = new HyperDHT({ bootstrap, host: '127.0.0.1', firewalled: false, ephemeral: true })
  const swarm = new Hyperswarm({ dht })
  swarm.on('connection', (conn) => {
    conn.on('error', () => {}) // the other side leaving resets the connection
    store.replicate(conn)
  })
  return swarm
}

async function writer (): Promise<void> {
  const testnet = await createTestnet(3, { host: '127.0.0.1' })
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'corestore-writer-'))
  const store = new Corestore(dir)
  const swarm = openSwarm(store, testnet.bootstrap)

  try {
    const core = store.get({ name: 'example' })
    await core.ready()
    if (core.length === 0) await core.append(BLOCKS)
    const key = (core.key as Buffer).toString('hex')
    console.log(`writer: core 'example' has ${core.length} blocks, key ${key}`)

    // Announce before the reader looks up, so its first lookup finds us.
    await swarm.join(core.discoveryKey as Buffer, { server: true, client: false }).flushed()

    const reader = spawn(process.execPath, [__filename, 'reader', key, JSON.stringify(testnet.bootstrap)], { stdio: 'inherit' })
    const code = await new Promise<number | null>((resolve) => reader.on('close', resolve))
    console.log(`writer: reader exited with code ${String(code)}`)
    process.exitCode = code ?? 1
  } finally {
    // The swarm first: closing only the store leaves DHT sockets open and the process running.
    await swarm.destroy()
    await store.close()
    await testnet.destroy()
    await fs.promises.rm(dir, { recursive: true, force: true })
  }
}

async function reader (key: string, bootstrap: HyperDHT.Address[]): Promise<void> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'corestore-reader-'))
  const store = new Corestore(dir)
  const swarm = openSwarm(store, bootstrap)

  try {
    const core = store.get({ key: Buffer.from(key, 'hex') })
    await core.ready()
    swarm.join(core.discoveryKey as Buffer, { server: false, client: true })

    for (let i = 0; i < BLOCKS.length; i++) {
      const block = await core.get(i, { timeout: BLOCK_TIMEOUT_MS })
      console.log(`reader: block ${i} = ${String(block)}`)
    }
  } finally {
    await swarm.destroy()
    await store.close()
    await fs.promises.rm(dir, { recursive: true, force: true })
  }
}

const [role, key, bootstrap] = process.argv.slice(2)
const run = role === 'reader' && key !== undefined && bootstrap !== undefined
  ? reader(key, JSON.parse(bootstrap) as HyperDHT.Address[])
  : writer()
run.catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
