import test from 'brittle'
import { once } from 'events'
import Hypercore from 'hypercore'
import Corestore from '../../src'
import { tmpDir } from '../helpers/create'
import { UpstreamCorestore } from '../helpers/upstream'
import { census } from '../helpers/resources'
import { isBare, onNodeOnly } from '../helpers/runtime'
import { reopen, seedFolder } from '../helpers/seed'
import type { T } from '../helpers/assert'
import type { ProtocolStream } from '../../src/store/types'

// Code written for upstream corestore 7.12.5 must run to the end on ours. The
// teardown pattern below is from a real suite: the store's close() is registered
// first, and a later teardown destroys the replication streams and awaits their
// `close`. It only ends if close() leaves the streams to the caller, as upstream does.

/** What the pattern uses of a store: ours and upstream alike. */
interface PatternStore {
  ready (): Promise<void>
  close (): Promise<void>
  get (opts: Record<string, unknown> | Buffer): Hypercore
  replicate (isInitiator: boolean): ProtocolStream
}

const STORES: Array<[string, (dir: string) => PatternStore]> = [
  ['ours', (dir) => new Corestore(dir)],
  ['upstream 7.12.5', (dir) => new UpstreamCorestore(dir) as unknown as PatternStore]
]

/** The pattern, teardowns in the order the suite registers them. */
async function teardownPattern (t: T, make: (dir: string) => PatternStore): Promise<void> {
  const store = make(await tmpDir(t))
  t.teardown(() => store.close())
  const other = make(await tmpDir(t))
  t.teardown(() => other.close())

  const s1 = store.replicate(true)
  const s2 = other.replicate(false)
  s1.pipe(s2).pipe(s1)
  t.teardown(async () => {
    s1.destroy()
    s2.destroy()
    await Promise.all([once(s1, 'close'), once(s2, 'close')])
  })

  const core = store.get({ name: 'a' })
  await core.append('block')
  const clone = other.get(core.key as Buffer)
  t.alike(await clone.get(0), Buffer.from('block'), 'replicates')
}

for (const [name, make] of STORES) {
  // Fails with "Teardown did not end" if close() took the streams away.
  test(`upstream patterns (${name}): store.close() as a teardown, then the suite destroys its streams and awaits close`, async (t) => {
    await teardownPattern(t, make)
  })

  test(`upstream patterns (${name}): after both stores close, the streams are still the caller's`, async (t) => {
    const store = make(await tmpDir(t))
    const other = make(await tmpDir(t))
    const s1 = store.replicate(true)
    const s2 = other.replicate(false)
    s1.pipe(s2).pipe(s1)
    const core = store.get({ name: 'a' })
    await core.append('block')
    t.alike(await other.get(core.key as Buffer).get(0), Buffer.from('block'), 'replicates')

    await store.close()
    await other.close()
    t.absent(s1.destroying || s2.destroying, 'neither stream destroyed by close()')
    t.is([...Hypercore.getProtocolMuxer(s1)].length + [...Hypercore.getProtocolMuxer(s2)].length, 0, 'no channel left on either')
    s1.destroy()
    s2.destroy()
    await Promise.all([once(s1, 'close'), once(s2, 'close')])
    t.pass('the caller destroys them and sees them close')
  })
}

test('upstream patterns: a plain close() without destroying the streams leaks nothing the store owns', async (t) => {
  const seeded = await seedFolder(t, 'stored', ['kept'])
  const before = isBare ? {} : census()
  const a = reopen(t, seeded)
  const b = new Corestore(await tmpDir(t))
  const s1 = a.replicate(true)
  const s2 = b.replicate(false)
  s1.pipe(s2).pipe(s1)
  const listeners = s1.listenerCount('close')
  const live = a.get({ name: 'live' })
  await live.append('x')
  t.alike(await b.get(live.key as Buffer).get(0), Buffer.from('x'), 'replicates')

  await a.close()
  t.is(a.streamTracker.size, 0, 'the store forgets its streams')
  // The store put two 'close' listeners on the stream (tracker, dynamic attach): a stream
  // that outlives the store must not keep it reachable through them.
  t.is(s1.listenerCount('close'), listeners - 2, 'and takes its listeners off them')
  // The remote keeps asking after close: the closed store opens nothing.
  const late = b.get({ key: seeded.key })
  await late.ready()
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.is(a.cores.size, 0, 'a remote request after close opens no core')
  t.is(late.peers.length, 0, 'and finds no peer in the closed store')

  await b.close()
  t.absent(s1.destroying, 'the streams stay the caller\'s')
  // Keep-alives are unref'd: nothing left keeps the process alive once both stores closed.
  onNodeOnly(t, 'lists live handles with process.getActiveResourcesInfo(), which Bare lacks', () => {
    t.alike(census(), before, 'no handle or request of the stores keeps the process alive')
  })
  s1.destroy()
  s2.destroy()
  await Promise.all([once(s1, 'close'), once(s2, 'close')])
})
