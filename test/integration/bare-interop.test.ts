import test from 'brittle'
import net from 'net'
import path from 'path'
import { tmpDir } from '../helpers/create'
import { bareExecutable, childScript, firstLine, runChild, startChild, type ChildResult } from '../helpers/child'
import { loadFixture, saveFixture } from '../helpers/fixture-json'
import { UPSTREAM, makeBlocks, type StoreLike } from '../helpers/interop'
import { appendEverywhere, verifyAuditClean, verifyFixture, writeFixture } from '../helpers/interop-fixture'
import type { T } from '../helpers/assert'

// corestore-ts on Bare against upstream corestore on Node: the same folders and the same
// wire. The Bare side is a child process (test/helpers/children/interop-peer.ts).

const BARE = bareExecutable()
const PEER = childScript('interop-peer')

function onBare (args: string[]): Promise<ChildResult> {
  return runChild(PEER, args, { exe: BARE, timeoutMs: 60_000 })
}

function childOk (t: T, res: ChildResult, what: string): void {
  // The child's output is indented: its own "# tests = ..." lines must not read as this suite's.
  const output = `${res.stdout}\n${res.stderr}`.split('\n').map((l) => `  | ${l}`).join('\n')
  t.is(res.status, 0, `${what}: the Bare child exited 0${res.status === 0 ? '' : `\n${output}`}`)
}

test('bare interop: a folder corestore-ts wrote on Bare opens in upstream on Node, and back', async (t) => {
  const dir = await tmpDir(t)
  const file = path.join(await tmpDir(t), 'fixture.json')
  childOk(t, await onBare(['write', dir, await tmpDir(t), file]), 'write')
  const fixture = loadFixture(file)
  t.ok(fixture.cores.length >= 8 && fixture.cores.some((c) => c.blocks.includes(null)), `fixture of ${fixture.cores.length} cores, one sparse`)

  const upstream = new UPSTREAM.Store(dir)
  t.teardown(() => upstream.close())
  await verifyFixture(t, upstream, fixture, 'upstream on node')
  await verifyAuditClean(t, upstream, fixture, 'upstream on node')
  await appendEverywhere(upstream, fixture, 'upstream on node')
  await upstream.close()

  // Back on Bare: the blocks upstream appended, under the keys Bare derived.
  saveFixture(file, fixture)
  const back = await onBare(['verify', dir, file])
  childOk(t, back, 'verify')
  t.ok(/^# tests = 1\/1 pass$/m.test(back.stdout) && /^# ok$/m.test(back.stdout), 'its checks passed')
})

test('bare interop: a folder upstream wrote on Node opens in corestore-ts on Bare, and back', async (t) => {
  const dir = await tmpDir(t)
  const file = path.join(await tmpDir(t), 'fixture.json')
  saveFixture(file, await writeFixture(UPSTREAM.Store, dir, await tmpDir(t)))

  const res = await onBare(['verify', dir, file])
  childOk(t, res, 'verify')
  const asserts = /^# asserts = (\d+)\/(\d+) pass$/m.exec(res.stdout)
  t.ok(asserts !== null && asserts[1] === asserts[2] && Number(asserts[2]) > 50, `the Bare side checked it: ${asserts?.[0] ?? 'no summary'}`)

  // Bare appended to every writable core: upstream reads those blocks back.
  const fixture = loadFixture(file)
  const upstream = new UPSTREAM.Store(dir)
  t.teardown(() => upstream.close())
  await verifyFixture(t, upstream, fixture, 'upstream after ours on bare appended')
  await upstream.close()
})

/** A loopback TCP server whose first connection replicates `store`; closed when the test ends. */
async function serveStore (t: T, store: StoreLike): Promise<{ port: number, closeLinks (): void }> {
  const sockets: net.Socket[] = []
  const server = net.createServer((socket) => {
    sockets.push(socket)
    const stream = store.replicate(false)
    stream.on('error', () => {}) // the child ends the link by closing the socket
    socket.on('error', () => {})
    socket.pipe(stream).pipe(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const closeLinks = (): void => { for (const s of sockets) s.destroy() }
  t.teardown(() => { closeLinks(); server.close() }, { order: -1 })
  return { port: (server.address() as net.AddressInfo).port, closeLinks }
}

test('bare interop: upstream on Node replicates a core from corestore-ts on Bare', async (t) => {
  const store = new UPSTREAM.Store(await tmpDir(t))
  t.teardown(() => store.close())
  const { port, closeLinks } = await serveStore(t, store)

  const count = 6
  const child = startChild(PEER, ['serve', await tmpDir(t), String(port), String(count)], { exe: BARE })
  t.teardown(() => { if (child.exitCode === null) child.kill() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const key = await firstLine(child)
  const core = store.get({ key: Buffer.from(key, 'hex') })
  const blocks: Buffer[] = []
  for (let i = 0; i < count; i++) blocks.push(await core.get(i, { timeout: 30_000 }) as Buffer)
  t.alike(blocks, makeBlocks('shared', count), 'every block the Bare store wrote, as written')
  await core.close()
  closeLinks()
  t.is(await exited, 0, 'the Bare child closed its store and exited 0 once the link closed')
})

test('bare interop: corestore-ts on Bare replicates a core from corestore-ts on Node', async (t) => {
  const Corestore = (await import('../../src')).default
  const store = new Corestore(await tmpDir(t))
  t.teardown(() => store.close())
  const count = 6
  const core = store.get({ name: 'node-side' })
  await core.append(makeBlocks('node-side', count))
  const { port } = await serveStore(t, store)

  const res = await onBare(['fetch', await tmpDir(t), String(port), (core.key as Buffer).toString('hex'), String(count)])
  childOk(t, res, 'fetch')
  const line = res.stdout.split('\n').find((l) => l.startsWith('[')) ?? '[]'
  const got = (JSON.parse(line) as string[]).map((hex) => Buffer.from(hex, 'hex'))
  t.alike(got, makeBlocks('node-side', count), 'the Bare store got every block, as written')
})
