import test from 'brittle'
import { intFlag, parseFlags, replayLine } from './harness/replay-line'
import { ciSeed, deriveSeed } from './harness/seeds'
import { StepTally } from './harness/step-tally'
import { sameFailure } from './model/diff-world'
import { installClock } from './harness/clock'
import { withDeadline } from './harness/watchdog'

test('harness: a replay line parses back to what it was made from', (t) => {
  const line = replayLine({ property: 'durability', seed: -42, path: '3:0:1', replayPath: 'AB+/:q', mutant: 'namespace-dropped' })
  t.is(line, 'npm run replay -- --property durability --seed -42 --path 3:0:1 --replay-path AB+/:q --mutant namespace-dropped')
  const flags = parseFlags(line.split(' ').slice(3))
  t.is(flags.get('property'), 'durability')
  t.is(intFlag(flags, 'seed', 0), -42)
  t.is(flags.get('path'), '3:0:1')
  t.is(flags.get('replay-path'), 'AB+/:q')
  t.is(flags.get('mutant'), 'namespace-dropped')
  t.exception(() => intFlag(parseFlags(['--seed', 'x']), 'seed', 0), /integer/)
})

test('harness: derived seeds are stable and differ by part', (t) => {
  t.is(deriveSeed(1, 'a', 2), deriveSeed(1, 'a', 2), 'same parts, same seed')
  t.not(deriveSeed(1, 'a', 2), deriveSeed(1, 'a', 3), 'another shard, another seed')
  t.not(deriveSeed(1, 'a'), deriveSeed(1, 'b'), 'another property, another seed')
  t.ok(Number.isInteger(deriveSeed('x')) && Math.abs(deriveSeed('x')) < 2 ** 31, '32-bit integer')
})

test('harness: the seed a property prints is the PROPERTY_SEED that reruns it', (t) => {
  const saved = process.env.PROPERTY_SEED
  try {
    delete process.env.PROPERTY_SEED
    const printed = ciSeed('sim-differential')
    t.not(printed, ciSeed('sim-convergence'), 'each property has its own CI seed')
    process.env.PROPERTY_SEED = String(printed)
    t.is(ciSeed('sim-differential'), printed, 'passing the printed seed back runs that seed')
    process.env.PROPERTY_SEED = 'x'
    t.exception(() => ciSeed('sim-differential'), /PROPERTY_SEED must be an integer/)
  } finally {
    if (saved === undefined) delete process.env.PROPERTY_SEED
    else process.env.PROPERTY_SEED = saved
  }
})

test('harness: the step tally counts work, skips with their reasons, and tolerated outcomes', (t) => {
  const tally = new StepTally()
  t.alike(tally.format(), ['steps: none counted'])
  tally.did('get')
  tally.did('get')
  tally.did('append')
  tally.skipped('get', 'peer down')
  tally.tolerate('hypercore stale queue entry')
  t.is(tally.didCount, 3)
  t.is(tally.skippedCount, 1)
  t.is(tally.toleratedBy('hypercore stale queue entry'), 1)
  t.alike(tally.format(), [
    'steps: 4 generated, 3 did real work (75%), 1 skipped',
    '  append: 1 did work',
    '  get: 2 did work; skipped: 1 peer down',
    '  tolerated (not compared): 1 hypercore stale queue entry'
  ])
})

test('harness: the virtual clock fakes timers and Date only, and only one at a time', async (t) => {
  const clock = installClock()
  try {
    let fired = false
    setTimeout(() => { fired = true }, 5000)
    t.is(Date.now(), 0, 'Date starts at 0')
    t.exception(() => installClock(), /already installed/)
    await new Promise((resolve) => setImmediate(resolve))
    t.absent(fired, 'setImmediate is real: no virtual time passed')
    await clock.advance(5000)
    t.ok(fired, 'the timer fired after 5 virtual seconds')
    t.is(clock.countTimers(), 0)
  } finally {
    clock.uninstall()
  }
  t.ok(Date.now() > 1e12, 'real Date is back')
})

test('harness: a scenario that never settles fails with a hang', async (t) => {
  await t.exception(withDeadline('a stuck scenario', 50, () => new Promise<void>(() => {})), /HANG: a stuck scenario did not settle/)
})

test('harness: the differential compares failures by kind where upstream has no code', (t) => {
  t.ok(sameFailure({ code: 'X' }, { code: 'X', message: 'a' }), 'same code')
  t.absent(sameFailure({ code: 'Y' }, { code: 'X', message: 'a' }), 'another code')
  t.ok(sameFailure({ code: 'CORESTORE_CLOSED' }, { code: null, message: 'Corestore is closed' }), 'closed is closed')
  t.absent(sameFailure({ code: 'BAD_ARGUMENT' }, { code: null, message: 'Corestore is closed' }), 'a bad argument is not a closed store')
  t.absent(sameFailure({ code: null }, { code: null, message: 'Corestore is closed' }), 'an uncoded error of ours is not either')
  t.absent(sameFailure({ code: 'BAD_ARGUMENT' }, { code: null, message: 'something new' }), 'an unclassified upstream failure matches nothing')
})
