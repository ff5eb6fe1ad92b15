import test from 'brittle'
import { spawnSync } from 'child_process'
import { once } from 'events'
import Corestore from '../../src'
import { tmpDir } from '../helpers/create'
import { census } from '../helpers/resources'

// Awaiting the `gc` event must work: the GC timer never keeps a process alive on its
// own, but it does while someone listens for `gc`.

test('gc event: a test that only awaits store.once(\'gc\') ends', async (t) => {
  // Nothing else keeps the loop alive here: with an unref'd timer brittle reports "Test did not end".
  const store = new Corestore(await tmpDir(t), { gcIntervalMs: 20 })
  t.teardown(() => store.close())
  const core = store.get({ name: 'x' })
  await core.append('x')
  await core.close()
  const [collected] = await once(store, 'gc') as [unknown]
  t.is(collected, core.core, 'the event carries the collected core')
  t.is(store.cores.size, 0, 'and it is gone')
})

test('gc event: the GC timer keeps the process alive only while someone listens for gc', async (t) => {
  const store = new Corestore(await tmpDir(t), { gcIntervalMs: 60_000 })
  t.teardown(() => store.close())
  const base = census().Timeout ?? 0
  const core = store.get({ name: 'x' })
  await core.append('x')
  await core.close()
  t.ok(store.cores.gcRunning, 'GC is waiting for the idle core')
  t.is(census().Timeout ?? 0, base, 'unreferenced with no gc listener')
  const onGc = (): void => {}
  store.on('gc', onGc)
  t.is(census().Timeout ?? 0, base + 1, 'referenced while one listens')
  store.off('gc', onGc)
  t.is(census().Timeout ?? 0, base, 'unreferenced again once the last listener leaves')
})

test('gc event: a script that awaits once(store, \'gc\') sees it before it exits', async (t) => {
  const index = require.resolve('../../src')
  const script = `
    const { once } = require('events')
    const Corestore = require(${JSON.stringify(index)})
    async function main () {
      const store = new Corestore(process.argv[1], { gcIntervalMs: 50 })
      const core = store.get({ name: 'x' })
      await core.append('x')
      await core.close()
      await once(store, 'gc')
      console.log('collected')
      await store.close()
    }
    main()
  `
  const res = spawnSync(process.execPath, ['-e', script, await tmpDir(t)], { encoding: 'utf8', timeout: 30_000 })
  t.is(res.status, 0, `exit code 0: ${res.stderr}`)
  t.is(res.stdout.trim(), 'collected', 'the script saw the gc event before exiting')
})
