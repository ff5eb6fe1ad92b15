import test from 'brittle'
import { once } from 'events'
import Corestore from '../../src'
import { tmpDir } from '../helpers/create'
import { census } from '../helpers/resources'
import { childScript, runChild } from '../helpers/child'
import { nodeOnly } from '../helpers/runtime'

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

test('gc event: the GC timer keeps the process alive only while someone listens for gc', nodeOnly('counts timers with process.getActiveResourcesInfo(), which Bare lacks (the script test below covers the ref on Bare)'), async (t) => {
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
  const res = await runChild(childScript('gc-await'), [await tmpDir(t)])
  t.is(res.status, 0, `exit code 0: ${res.stderr}`)
  t.is(res.stdout.trim(), 'collected', 'the script saw the gc event before exiting')
})
