import test from 'brittle'
import { intFlag, parseFlags, replayLine } from './harness/replay-line'
import { deriveSeed } from './harness/seeds'
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
