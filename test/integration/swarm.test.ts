// Replication over a real Hyperswarm between OS processes, all on 127.0.0.1: a writer
// (fixtures/swarm-writer), two readers and a late joiner (fixtures/swarm-reader), each
// with its own store folder, on a 3-node @hyperswarm/testnet run by this process. One
// reader is SIGKILLed while it downloads and restarted on its folder. Every process
// reports a digest of the blocks it holds; after they have all exited by themselves,
// this process opens every folder and compares the blocks themselves.
import test from 'brittle'
import createTestnet from '@hyperswarm/testnet'
import Corestore from '../../src'
import { tmpDir } from '../helpers/create'
import { Child, pidAlive, reapAll } from './fixtures/supervisor'
import { swarmBlock } from './fixtures/blocks'
import type { Message } from './fixtures/child-io'

// brittle runs `force` teardowns even after the test function threw; its typings omit
// the option, so it is passed through a variable rather than an object literal.
const FIRST_FORCED = { order: -1, force: true }
const LAST_FORCED = { order: 1, force: true }

/** Blocks the writer holds before readers join, and after its two later appends. */
const FIRST = 100
const SECOND = 2100
const THIRD = 2200

test('swarm: writer, two readers, a killed reader and a late joiner converge', { timeout: 60000 }, async (t) => {
  const testnet = await createTestnet(3, { host: '127.0.0.1' })
  // Children are reaped first, the testnet goes last; both also when the test throws.
  t.teardown(reapAll, FIRST_FORCED)
  t.teardown(() => testnet.destroy(), LAST_FORCED)
  const bootstrap = JSON.stringify(testnet.bootstrap)
  t.ok(testnet.bootstrap.every((node) => node.host === '127.0.0.1'), 'testnet bootstraps on 127.0.0.1 only')

  const dirs = { writer: await tmpDir(t), a: await tmpDir(t), b: await tmpDir(t), late: await tmpDir(t) }
  const children: Child[] = []
  const start = (name: string, script: string, args: string[]): Child => {
    const child = new Child(name, script, args)
    children.push(child)
    return child
  }

  const writer = start('writer', 'swarm-writer', [dirs.writer, bootstrap, String(FIRST)])
  const ready = await writer.next('ready')
  const key = ready.key as string
  t.is(ready.length, FIRST, 'writer holds the first blocks and has announced')

  const a = start('reader A', 'swarm-reader', [dirs.a, bootstrap, key])
  let b = start('reader B', 'swarm-reader', [dirs.b, bootstrap, key])
  t.is((await a.next('opened')).length, 0, 'reader A starts empty')
  t.is((await b.next('opened')).length, 0, 'reader B starts empty')
  const first = await syncAll([a, b], FIRST)
  t.alike(first.map((m) => m.digest), [ready.digest, ready.digest], 'both readers hold the first blocks')

  // B is killed once it has downloaded some of the second batch, mid-download if the timing allows.
  writer.send(`append ${SECOND}`)
  const appended = await writer.next('appended')
  let progress = await b.next('progress')
  while ((progress.downloaded as number) <= FIRST) progress = await b.next('progress')
  b.kill()
  const killed = await b.exited
  t.is(killed.signal, 'SIGKILL', 'reader B is SIGKILLed')
  t.comment(`reader B killed after ${String(progress.downloaded)} of ${SECOND} downloads, ${String(progress.contiguous)} contiguous`)

  b = start('reader B (restarted)', 'swarm-reader', [dirs.b, bootstrap, key])
  const reopened = await b.next('opened')
  t.ok((reopened.contiguous as number) >= FIRST, `restarted B reopens with its blocks (${String(reopened.contiguous)} contiguous)`)
  const second = await syncAll([a, b], SECOND)
  t.alike(second.map((m) => m.digest), [appended.digest, appended.digest], 'A and restarted B hold the second batch')
  t.ok((second[1] as Message).downloaded as number <= SECOND - (reopened.contiguous as number),
    `restarted B fetched only what it lacked (${String((second[1] as Message).downloaded)} blocks)`)

  const late = start('late joiner', 'swarm-reader', [dirs.late, bootstrap, key])
  t.is((await late.next('opened')).length, 0, 'late joiner starts empty')
  const caughtUp = await syncAll([late], SECOND)
  t.is(caughtUp[0]?.digest, appended.digest, 'late joiner catches up')

  writer.send(`append ${THIRD}`)
  const live = await writer.next('appended')
  const third = await syncAll([a, b, late], THIRD)
  t.alike(third.map((m) => m.digest), [live.digest, live.digest, live.digest], 'a live append reaches every reader')

  const running = children.filter((child) => child.exit === null)
  for (const child of running) child.end()
  const exits = await Promise.all(running.map((child) => child.exited))
  t.alike(exits, running.map(() => ({ code: 0, signal: null })), 'every process exits by itself once told to')
  t.alike(children.map((child) => child.pid).filter(pidAlive), [], 'no fixture process is left')

  const stores = await Promise.all(Object.values(dirs).map((dir) => readAll(dir, key)))
  t.alike(stores.map((s) => s.length), [THIRD, THIRD, THIRD, THIRD], 'every folder holds every block')
  t.alike(stores.map((s) => s.firstBad), [-1, -1, -1, -1], 'every block is identical to what the writer wrote')
})

/** Sends `sync <length>` to each reader and waits for all of them. */
function syncAll (readers: Child[], length: number): Promise<Message[]> {
  for (const reader of readers) reader.send(`sync ${length}`)
  return Promise.all(readers.map((reader) => reader.next('synced')))
}

/** Opens a folder in this process and checks every block of the core against `swarmBlock`. */
async function readAll (dir: string, key: string): Promise<{ length: number, firstBad: number }> {
  const store = new Corestore(dir)
  try {
    const core = store.get({ key: Buffer.from(key, 'hex') })
    await core.ready()
    let firstBad = -1
    for (let i = 0; i < core.length && firstBad === -1; i++) {
      const block = await core.get(i, { wait: false })
      if (block === null || !block.equals(swarmBlock(i))) firstBad = i
    }
    return { length: core.length, firstBad }
  } finally {
    await store.close()
  }
}
