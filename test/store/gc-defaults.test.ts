import test from 'brittle'
import FakeTimers from '@sinonjs/fake-timers'
import type Hypercore from 'hypercore'
import Corestore from '../../src'
import { tmpDir } from '../helpers/create'
import { UpstreamCorestore } from '../helpers/upstream'
import { collected } from '../helpers/gc'
import type { T } from '../helpers/assert'
import type { Core } from '../../src/store/types'

// The default GC schedule (every 2000 ms, closed on the 4th strike) checked in virtual
// time, next to upstream corestore under the same fake clock.

type Clock = ReturnType<typeof FakeTimers.install>

function installClock (t: T): Clock {
  const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
  t.teardown(() => clock.uninstall(), { order: 100 })
  return clock
}

type Upstream = InstanceType<typeof UpstreamCorestore>

/** Our store and upstream's, each on its own folder, closed when the test ends. */
async function pair (t: T): Promise<{ ours: Corestore, theirs: Upstream }> {
  const ours = new Corestore(await tmpDir(t))
  const theirs = new UpstreamCorestore(await tmpDir(t))
  t.teardown(() => Promise.all([ours.close(), theirs.close()]))
  return { ours, theirs }
}

async function idleCore (store: Corestore | Upstream, name: string): Promise<Core> {
  const s: Hypercore = store.get({ name })
  await s.append('x')
  const core = s.core as Core
  await s.close()
  return core
}

test('gc defaults: a core idle from t=0 survives 5999 ms and is closed at the third tick (6000 ms), as upstream', async (t) => {
  const stores = await pair(t) // tmp folders made before the clock is faked
  const clock = installClock(t)

  const ours = await idleCore(stores.ours, 'a')
  const theirs = await idleCore(stores.theirs, 'a')
  const gone = collected(stores.ours, ours)

  for (const at of [2000, 4000, 5999]) {
    await clock.tickAsync(at - clock.now)
    t.is(ours.closing, null, `ours open at ${at} ms`)
    t.is(theirs.closing, null, `upstream open at ${at} ms`)
  }
  await clock.tickAsync(1)
  t.ok(ours.closing !== null, 'ours closing at 6000 ms')
  t.ok(theirs.closing !== null, 'upstream closing at 6000 ms')
  await gone
  t.is(stores.ours.cores.size, 0, 'ours dropped it')
  t.absent(stores.ours.cores.gcRunning, 'GC timer stopped')
})

test('gc defaults: a core idling while the timer already runs gets three more ticks, as upstream', async (t) => {
  const stores = await pair(t) // tmp folders made before the clock is faked
  const clock = installClock(t)

  // First core idles at 0 ms and starts the timer (ticks at 2000, 4000, 6000...).
  const first = await idleCore(stores.ours, 'first')
  const firstUp = await idleCore(stores.theirs, 'first')
  await clock.tickAsync(1000)
  // Second core idles at 1000 ms, between ticks.
  const second = await idleCore(stores.ours, 'second')
  const secondUp = await idleCore(stores.theirs, 'second')
  const gone = Promise.all([collected(stores.ours, first), collected(stores.ours, second)])

  await clock.tickAsync(4999 - clock.now) // 3999 ms after the second went idle, two ticks
  t.is(second.closing, null, 'ours: second open 3999 ms after idling (4 s - epsilon)')
  t.is(secondUp.closing, null, 'upstream: same')
  t.is(first.closing, null, 'ours: first open at 4999 ms')
  t.is(firstUp.closing, null, 'upstream: same')

  await clock.tickAsync(6000 - clock.now) // third tick
  t.ok(first.closing !== null && second.closing !== null, 'ours: both closing at the third tick (second: 5 s after idling)')
  t.ok(firstUp.closing !== null && secondUp.closing !== null, 'upstream: same')
  await gone
  t.absent(stores.ours.cores.gcRunning, 'timer stopped once nothing is idle')
})

test('gc defaults: no timer runs while every core is in use', async (t) => {
  const dir = await tmpDir(t)
  const clock = installClock(t)
  const store = new Corestore(dir)
  t.teardown(() => store.close())
  const s = store.get({ name: 'busy' })
  await s.append('x')
  await clock.tickAsync(60_000)
  t.absent(store.cores.gcRunning, 'GC timer not running')
  t.is(s.core?.closing, null, 'core open after a virtual minute')
  await s.close()
  t.ok(store.cores.gcRunning, 'runs once the core is idle')
})
