import test from 'brittle'
import Hypercore from 'hypercore'
import Corestore from '../../src'
import { create, tmpDir } from '../helpers/create'
import { link } from '../helpers/replicate'

// Many stored cores asked for in one frame: the look-ups are batched into one storage
// read (stored-core-lookup), and every stored core must still attach, and no unknown one.
test('dynamic attach: a burst of requests attaches every stored core and nothing else', async (t) => {
  const COUNT = 20
  const dir = await tmpDir(t)
  const keys: Buffer[] = []
  {
    const writer = new Corestore(dir)
    for (let i = 0; i < COUNT; i++) {
      const core = writer.get({ name: `core-${i}` })
      await core.append(`block-${i}`)
      keys.push(core.key as Buffer)
    }
    await writer.close()
  }

  const server = new Corestore(dir)
  t.teardown(() => server.close())
  await server.ready()
  let batched = 0
  const getInfos = server.storage.getInfos.bind(server.storage)
  server.storage.getInfos = (dks, opts) => {
    batched = Math.max(batched, dks.length)
    return getInfos(dks, opts)
  }
  const opened: string[] = []
  server.watch((core) => opened.push(core.discoveryKey.toString('hex')))

  const client = await create(t)
  const unknown = Buffer.alloc(32, 7)
  const clones = keys.map((key) => client.get({ key }))
  const stranger = client.get({ key: unknown })
  await Promise.all([...clones, stranger].map((c) => c.ready()))
  link(t, client, server)

  const blocks = await Promise.all(clones.map((c) => c.get(0)))
  t.alike(blocks.map(String), keys.map((_, i) => `block-${i}`), 'every stored core replicated its block')
  t.is(opened.length, COUNT, 'the server opened exactly the stored cores')
  t.ok(batched > 1, `look-ups were batched (largest batch ${batched})`)
  t.absent(await server.storage.hasCore(Hypercore.discoveryKey(unknown)), 'the unknown key was not created')
  t.is(server.cores.get(Hypercore.discoveryKey(unknown)), null, 'nor tracked')
})
