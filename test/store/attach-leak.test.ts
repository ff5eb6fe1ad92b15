import test from 'brittle'
import { once } from 'events'
import Corestore from '../../src'
import { create, tmpDir } from '../helpers/create'
import { reopen, seedFolder } from '../helpers/seed'
import type { Core } from '../../src/store/types'

// A remote asks for a stored core (dynamic attach) and the stream dies while the store
// is opening it: the store opened the core for nobody, so GC must still collect it
// (upstream collects it too, on its fixed 2 s timer).

test('attach leak: a core opened for a remote whose stream died meanwhile is still collected', async (t) => {
  const seeded = await seedFolder(t, 'stored', ['kept'])
  const a = reopen(t, seeded, { gcIntervalMs: 20 })
  const b = await create(t)
  await a.ready()
  const s1 = a.replicate(true)
  const s2 = b.replicate(false)
  s1.pipe(s2).pipe(s1)
  s1.on('error', () => {})
  s2.on('error', () => {})

  const opened: Core[] = []
  a.watch((core) => {
    opened.push(core)
    s1.destroy() // the stream dies while the store opens the core it asked for
  })
  const clone = b.get({ key: seeded.key })
  await clone.ready()
  const [collected] = await once(a, 'gc') as [Core]
  t.is(opened.length, 1, 'the remote\'s request opened the stored core')
  t.is(collected, opened[0], 'GC collected it')
  t.is(a.cores.size, 0, 'and nothing stays tracked')
})

test('attach leak: when the stream lives, the attached core serves the remote and is collected after', async (t) => {
  const seeded = await seedFolder(t, 'stored', ['kept'])
  const a = reopen(t, seeded, { gcIntervalMs: 20 })
  const b = new Corestore(await tmpDir(t))
  t.teardown(() => b.close())
  const s1 = a.replicate(true)
  const s2 = b.replicate(false)
  s1.pipe(s2).pipe(s1)
  const clone = b.get({ key: seeded.key })
  t.alike(await clone.get(0), Buffer.from('kept'), 'served by dynamic attach')
  const gc = once(a, 'gc')
  await clone.close()
  s1.destroy()
  s2.destroy()
  await gc
  t.is(a.cores.size, 0, 'collected once the remote is gone')
})
