import test from 'brittle'
import FakeTimers from '@sinonjs/fake-timers'
import Hypercore from 'hypercore'
import Corestore from '../../src'
import { tmpDir } from '../helpers/create'
import { destroyAll } from '../helpers/replicate'
import type { T } from '../helpers/assert'
import { census, trackResources } from '../helpers/resources'
import { nodeOnly } from '../helpers/runtime'
import type { ProtocolStream } from '../../src/store/types'

// After close() nothing of a store may remain: cores, sessions, GC timer, storage
// handles, or any other timer or handle. The streams replicate() made are the
// caller's, as upstream's are: close() leaves them open, with none of the store's
// channels on them, and the caller destroys them (then nothing at all remains).

interface Busy {
  stores: Corestore[]
  sessions: Hypercore[]
  streams: ProtocolStream[]
}

/**
 * Two stores doing a bit of everything: named and keyed cores, store sessions and
 * namespaces, a sub-session, an idle core waiting for GC, watchers, findingPeers,
 * a group handle and a live replication link between them.
 */
async function busyPair (t: T): Promise<Busy> {
  const [dirA, dirB] = [await tmpDir(t), await tmpDir(t)]
  const a = new Corestore(dirA, { gcIntervalMs: 50 })
  const b = new Corestore(dirB)
  const sessions: Hypercore[] = []
  a.watch(() => {})
  b.findingPeers()
  a.notifyGroup(Buffer.alloc(32, 1))

  const main = a.get({ name: 'main', group: Buffer.alloc(32, 1) })
  await main.append(['1', '2', '3'])
  const ns = a.namespace('ns')
  const inNs = ns.get({ name: 'x' })
  await inNs.append('x')
  const idle = a.get({ name: 'idle' })
  await idle.append('i')
  await idle.close() // waits for GC when the store closes
  sessions.push(main, inNs, main.session(), idle)

  const s1 = a.replicate(true)
  const s2 = b.replicate(false)
  s1.pipe(s2).pipe(s1)
  const clone = b.session().get(main.key as Buffer)
  await clone.get(2)
  sessions.push(clone, b.get({ key: Buffer.alloc(32) }))
  return { stores: [a, b], sessions, streams: [s1, s2] }
}

/** A writer and a reader replicating one block, plus an idle core pending GC in the writer. */
async function replicatingPair (dirs: string[], writerOpts: { gcIntervalMs?: number } = {}): Promise<[Corestore, Corestore, ProtocolStream[]]> {
  const a = new Corestore(dirs[0] as string, writerOpts)
  const b = new Corestore(dirs[1] as string)
  const core = a.get({ name: 'x' })
  await core.append('x')
  const idle = a.get({ name: 'idle' })
  await idle.append('i')
  await idle.close()
  const s1 = a.replicate(true)
  const s2 = b.replicate(false)
  s1.pipe(s2).pipe(s1)
  const clone = b.get(core.key as Buffer)
  await clone.get(0)
  return [a, b, [s1, s2]]
}

async function closeAll (busy: Busy): Promise<void> {
  for (const store of busy.stores) await store.close()
}

test('leaks: after close no core, session, tracked stream, GC timer or storage remains', async (t) => {
  const busy = await busyPair(t)
  const [a] = busy.stores as [Corestore]
  t.ok(a.cores.gcRunning, 'GC timer running before close (an idle core is pending)')
  t.ok(a.cores.size >= 3, 'cores open before close')
  await closeAll(busy)

  for (const [i, store] of busy.stores.entries()) {
    t.is(store.cores.size, 0, `store ${i}: no open core`)
    t.is(store.sessions.count(), 0, `store ${i}: no tracked session`)
    t.absent(store.cores.gcRunning, `store ${i}: GC timer stopped`)
    t.is(store.cores.idleCount, 0, `store ${i}: nothing waiting for GC`)
    t.ok(store.storage.closed, `store ${i}: storage closed`)
    t.is(store.corestores.size, 0, `store ${i}: no store session left`)
  }
  t.ok(busy.sessions.every((s) => s.closed), 'every core session closed')
  t.ok(busy.streams.every((s) => !s.destroying && !s.destroyed), 'the streams are left to the caller, as upstream')
  t.ok(busy.streams.every((s) => [...Hypercore.getProtocolMuxer(s)].length === 0), 'with no channel of the stores on them')
  await destroyAll(busy.streams)
})

test('leaks: no timer, handle or request made by the stores outlives close()', nodeOnly('tracks timers and handles with async_hooks and process.getActiveResourcesInfo(), which Bare lacks'), async (t) => {
  const dirs = [await tmpDir(t), await tmpDir(t)] // test-tmp's own fs work happens here
  await new Promise((resolve) => setImmediate(resolve))
  const before = census()
  const tracker = trackResources()
  t.teardown(() => tracker.stop())

  const [a, b, streams] = await replicatingPair(dirs, { gcIntervalMs: 50 })
  const during = tracker.live()
  t.ok(Object.keys(during).some((d) => d.startsWith('Timeout')), `timers live while the stores work: ${JSON.stringify(during)}`)

  await a.close()
  await b.close()
  // The streams are the caller's (as upstream): only their keep-alive intervals remain.
  t.alike(tracker.live(), { 'Timeout(callInterval)': streams.length }, 'only the caller\'s streams\' keep-alives outlive the stores')
  await destroyAll(streams) // the caller's, destroyed after the stores close as upstream tests do
  tracker.freeze() // the waits below are the test's own
  await new Promise((resolve) => setImmediate(resolve))
  await new Promise((resolve) => setImmediate(resolve))
  t.alike(tracker.live(), {}, 'every resource made by the stores was destroyed')
  t.alike(census(), before, 'process.getActiveResourcesInfo() is back to what it was')
})

test('leaks: with fake timers, no timer is left after close', async (t) => {
  const dirs = [await tmpDir(t), await tmpDir(t)]
  const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
  t.teardown(() => clock.uninstall(), { order: 100 })
  const [a, b, streams] = await replicatingPair(dirs)
  t.ok(clock.countTimers() > 0, 'timers run while the stores work (GC, keep-alive, ...)')
  await a.close()
  await b.close()
  // Only the streams' own keep-alives (one per stream) may outlive the stores: they are the caller's.
  t.is(clock.countTimers(), streams.length, 'only the caller\'s streams\' keep-alive timers are left')
  await destroyAll(streams)
  t.is(clock.countTimers(), 0, 'no timer left once the caller destroys its streams')
})

test('leaks: closing a store session leaves the root untouched and leaks nothing of its own', async (t) => {
  const dir = await tmpDir(t)
  const store = new Corestore(dir)
  t.teardown(() => store.close())
  const ns = store.namespace('n')
  const seen: unknown[] = []
  ns.watch((c) => seen.push(c))
  ns.findingPeers()
  const a = ns.get({ name: 'a' })
  await a.append('x')
  await ns.close()
  t.is(ns.sessions.count(), 0, 'its sessions are gone')
  t.absent(store.corestores.has(ns), 'unregistered from the root')
  const b = store.get({ name: 'b' })
  await b.ready()
  t.is(seen.length, 1, 'its watcher was removed')
  t.absent(store.storage.closed, 'storage still open for the root')
  await b.close()
})
