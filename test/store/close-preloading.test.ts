import test from 'brittle'
import Corestore from '../../src'
import { create, tmpDir } from '../helpers/create'
import { codeOf } from '../helpers/assert'
import type Hypercore from 'hypercore'

// A session whose get() was still loading (by name or discovery key) when it failed
// never opened. Upstream leaves it closed: false, with a close() that rejects for ever.
// A closed store's sessions are closed: here it is closed, and close() resolves.

async function settle (session: Hypercore): Promise<{ ready: string, closes: number }> {
  let closes = 0
  session.on('close', () => { closes++ })
  const ready = await session.ready().then(() => 'opened', codeOf)
  return { ready, closes }
}

test('close preloading: after await store.close(), a get that was still loading is closed', async (t) => {
  const store = new Corestore(await tmpDir(t))
  await store.ready()
  const byName = store.get({ name: 'x' })
  const sub = store.session()
  const inSub = sub.get({ name: 'y' })
  const results = Promise.all([settle(byName), settle(inSub)])
  await store.close()
  for (const [label, session] of [['get by name', byName], ['get in a store session', inSub]] as const) {
    t.ok(session.closed, `${label}: closed`)
    await session.close()
    t.pass(`${label}: close() resolves`)
  }
  t.alike(await results, [{ ready: 'CORESTORE_CLOSED', closes: 1 }, { ready: 'CORESTORE_CLOSED', closes: 1 }],
    'ready() rejects with CORESTORE_CLOSED and close is emitted once')
})

test('close preloading: a get whose preload failed (nothing stored) is closed too', async (t) => {
  const store = await create(t)
  const missing = store.get({ discoveryKey: Buffer.alloc(32, 7) })
  t.alike(await settle(missing), { ready: 'STORAGE_EMPTY', closes: 1 }, 'ready() rejects with STORAGE_EMPTY, close emitted')
  t.ok(missing.closed, 'closed')
  await missing.close()
  t.pass('close() resolves')
})

test('close preloading: close() called while the preload still runs resolves once it fails', async (t) => {
  const store = new Corestore(await tmpDir(t))
  await store.ready()
  const session = store.get({ name: 'x' })
  const closing = session.close()
  await store.close()
  await closing
  t.ok(session.closed, 'closed')
})
