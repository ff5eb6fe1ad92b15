import test from 'brittle'
import { MathRandomRoute, Scheduler, VirtualClock, DEFAULT_START_MS, blockContent } from '../../src/sim'
import { createSim, emitter, peer } from './sim-helpers'

test('clock: a GC that takes 8 s of virtual time runs without waiting 8 s', { timeout: 4000 }, async (t) => {
  // 2 s interval, 5 strikes: the core is closed on the 4th tick after it goes idle, 8 s.
  const sim = await createSim(t, { seed: 1, peers: 1, cores: 1, links: 'none', peer: { gcIntervalMs: 2000, gcStrikes: 5 } })
  let gcAt = -1
  emitter(sim, 0).once('gc', () => { gcAt = sim.clock.elapsedMs })

  await sim.apply({ kind: 'open-session', peer: 0, core: 0 })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 2 })
  await sim.apply({ kind: 'advance', ms: 30_000 })
  t.is(gcAt, -1, 'no GC while a session is open')

  await sim.apply({ kind: 'close-session', peer: 0, core: 0 })
  const idleAt = sim.clock.elapsedMs
  await sim.apply({ kind: 'advance', ms: 20_000 })

  t.ok(gcAt - idleAt >= 8000, `collected ${gcAt - idleAt} ms after going idle`)
  t.ok(gcAt - idleAt < 10_000)
  t.is(sim.clock.elapsedMs - idleAt, 20_000, 'virtual time advanced by exactly the step')
  t.is(peer(sim, 0).collected, 1)
  t.alike(await sim.close(), [])
})

test('clock: timers due at the same instant fire in creation order, one per fireNext', (t) => {
  const clock = new VirtualClock()
  clock.install()
  t.teardown(() => clock.uninstall())
  const order: string[] = []
  setTimeout(() => order.push('a'), 10)
  setTimeout(() => order.push('b'), 5)
  setTimeout(() => order.push('c'), 10)
  t.is(clock.pendingTimers, 3)
  t.ok(clock.fireNext())
  t.alike(order, ['b'])
  t.is(clock.elapsedMs, 5)
  while (clock.fireNext()) { /* drain */ }
  t.alike(order, ['b', 'a', 'c'])
  t.is(clock.elapsedMs, 10)
  t.is(Date.now(), DEFAULT_START_MS + 10, 'Date follows the virtual clock')
  t.absent(clock.fireNext(), 'false when nothing is pending')
})

test('clock: one clock per process, and uninstall restores the real globals', (t) => {
  const realSetTimeout = globalThis.setTimeout
  const realDate = globalThis.Date
  const clock = new VirtualClock({ startMs: 0 })
  clock.install()
  t.exception(() => new VirtualClock().install(), /installed already/)
  t.not(globalThis.setTimeout, realSetTimeout)
  t.is(Date.now(), 0)
  clock.uninstall()
  t.is(globalThis.setTimeout, realSetTimeout)
  t.is(globalThis.Date, realDate)
  t.absent(VirtualClock.current)
  t.exception.all(() => new VirtualClock({ startMs: -1 }), /startMs/)
})

test('clock: settle waits for storage work; time moves only when fired', async (t) => {
  const sim = await createSim(t, { seed: 2, peers: 1, cores: 1, links: 'none' })
  const session = peer(sim, 0).tempSession(sim.catalog.get(0))
  let appended = false
  const before = sim.clock.elapsedMs
  const p = session.ready().then(() => session.append(Buffer.from('x'))).then(() => { appended = true })
  await sim.settle()
  t.ok(appended, 'the append finished within settle(): RocksDB work counted as pending')
  t.is(sim.scheduler.gate.inflight, 0)
  t.is(sim.clock.elapsedMs, before, 'no virtual time passed')
  await p
  await sim.drive(session.close())
})

test('clock: settle waits for held work without spinning the event loop', async (t) => {
  // Captured before the scheduler fakes the timers: held work progresses on real time,
  // through calls the idle check cannot see (a store locking its folder).
  const realTimeout = globalThis.setTimeout
  const scheduler = new Scheduler(new VirtualClock(), new MathRandomRoute(7))
  scheduler.start()
  t.teardown(() => scheduler.stop())
  let finished = false
  scheduler.hold(new Promise<void>((resolve) => realTimeout(() => { finished = true; resolve() }, 50)))
  const before = scheduler.rounds
  await scheduler.settle()
  t.ok(finished, 'settle() returned only after the held work ended')
  // Each wait lasts until the work ends or 1 ms passes: about 50 turns at most. The
  // busy loop this replaced took thousands (one per event-loop turn).
  const turns = scheduler.rounds - before
  t.ok(turns < 120, `${turns} event-loop turns while held work ran for 50 ms`)
})

test('clock: held work that never ends is called hung, not waited on for ever', async (t) => {
  // A store close that never ends (a database left suspended) is held work: with the
  // bound at 50 quiet polls, settle() gives up within about 50 ms of real time. Planted
  // bug: without the bound, settle() waits until the 1,000,000-round limit (minutes).
  const scheduler = new Scheduler(new VirtualClock(), new MathRandomRoute(7), { heldQuietPollsMax: 50, maxSettleRounds: 1_000_000 })
  scheduler.start()
  t.teardown(() => scheduler.stop())
  scheduler.hold(new Promise<void>(() => {}))
  await t.exception(scheduler.settle(), /did not settle: work it waits for \(a store opening or closing\) made no progress in 50 polls/)
  let refused: unknown = null
  try {
    const bad = new Scheduler(new VirtualClock(), new MathRandomRoute(7), { heldQuietPollsMax: 0 })
    bad.stop()
  } catch (err) {
    refused = err
  }
  t.ok(refused instanceof RangeError && /heldQuietPollsMax must be a positive integer/.test(refused.message), 'a bad bound is refused up front')
})

test('clock: a scheduler runs a promise to completion on virtual time', async (t) => {
  const clock = new VirtualClock()
  const scheduler = new Scheduler(clock, new MathRandomRoute(7))
  scheduler.start()
  t.teardown(() => scheduler.stop())
  const slow = new Promise((resolve) => setTimeout(() => resolve('done'), 60_000))
  const outcome = await scheduler.run(slow, 120_000)
  t.alike(outcome, { state: 'resolved', value: 'done' })
  t.is(clock.elapsedMs, 60_000)
  const never = await scheduler.run(new Promise(() => {}), 1000)
  t.is(never.state, 'pending')
  t.is(clock.elapsedMs, 61_000)
})

test('clock: Math.random is routed to a generator seeded by (seed, epoch)', (t) => {
  const real = Math.random
  const route = new MathRandomRoute(42)
  route.install()
  try {
    route.begin(3)
    const a = [Math.random(), Math.random()]
    route.begin(3)
    const b = [Math.random(), Math.random()]
    route.begin(4)
    const c = [Math.random(), Math.random()]
    t.alike(a, b, 'same epoch, same draws')
    t.unlike(a, c, 'another epoch, other draws')
    t.ok(a.every((x) => x >= 0 && x < 1))
  } finally {
    route.uninstall()
  }
  t.is(Math.random, real)
})

test('clock: work started right after a timer races it (a get racing a GC close)', { timeout: 10_000 }, async (t) => {
  const sim = await createSim(t, { seed: 3, peers: 1, cores: 1, links: 'none', peer: { gcIntervalMs: 500, gcStrikes: 2 } })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 3 })
  const p = peer(sim, 0)
  const entry = sim.catalog.get(0)
  let raced: Promise<Buffer | null> | null = null
  let closingSeen = false
  sim.scheduler.afterEvent = () => {
    if (raced !== null) return
    const closing = [...p.openCores].find((c) => c.closing !== null && !c.closed)
    if (closing === undefined) return
    closingSeen = true
    // GC has just begun closing the core: open it again in the same tick.
    const session = p.tempSession(entry)
    raced = session.ready().then(() => session.get(2)).finally(() => session.close())
  }
  await sim.apply({ kind: 'advance', ms: 5000 })
  sim.scheduler.afterEvent = null
  t.ok(closingSeen, 'a GC close was caught in flight')
  t.ok(raced !== null)
  const outcome = await sim.drive(raced as unknown as Promise<Buffer | null>)
  t.is(outcome.state, 'resolved', 'the racing get got a working session')
  t.alike(outcome.state === 'resolved' ? outcome.value : null, blockContent('core-0', 2))
  t.alike(await sim.close(), [])
})

test('clock: refreshed timers never make virtual time run backwards (fake-timers 15.5 heap)', (t) => {
  // fake-timers 15.5.0 re-sorts a refreshed timer by its new due time; without the fix
  // in VirtualClock this workload fires timers out of order and time jumps back.
  const clock = new VirtualClock({ startMs: 0 })
  clock.install()
  t.teardown(() => clock.uninstall())
  let x = 1
  const rnd = (n: number): number => { x = (x * 1103515245 + 12345) % 2147483648; return Math.floor((x / 2147483648) * n) }
  const timers: NodeJS.Timeout[] = []
  for (let i = 0; i < 30; i++) timers.push(setTimeout(() => {}, rnd(1000)))
  let last = 0
  let backwards = 0
  let fired = 0
  for (let i = 0; i < 2000; i++) {
    if (rnd(2) === 0) timers.push(setTimeout(() => {}, rnd(1000)))
    if (rnd(2) === 0) (timers[rnd(timers.length)] as NodeJS.Timeout).refresh()
    if (clock.fireNext()) fired++
    if (clock.elapsedMs < last) backwards++
    last = clock.elapsedMs
  }
  t.ok(fired > 1000, `${fired} timers fired`)
  t.is(backwards, 0, 'virtual time never went backwards')
})
