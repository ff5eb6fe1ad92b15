import test from 'brittle'
import { Duplex } from 'streamx'
import { Link, MathRandomRoute, Prng, Scheduler, VirtualClock, checkLinkOptions, type LinkOptions } from '../../src/sim'

interface Arrival { at: number, data: string }

/** A stream pair end: what is pushed into it leaves over the link; what arrives is recorded. */
function endpoint (scheduler: Scheduler, arrivals: Arrival[]): Duplex {
  return new Duplex({
    write (data: unknown, cb: (err: Error | null) => void) {
      arrivals.push({ at: scheduler.clock.elapsedMs, data: String(data) })
      cb(null)
    }
  })
}

function setup (t: { teardown (fn: () => unknown): void }, opts: LinkOptions) {
  const scheduler = new Scheduler(new VirtualClock(), new MathRandomRoute(1))
  scheduler.start()
  t.teardown(() => scheduler.stop())
  const atA: Arrival[] = []
  const atB: Arrival[] = []
  const a = endpoint(scheduler, atA)
  const b = endpoint(scheduler, atB)
  const link = new Link(0, 1, checkLinkOptions(opts), { clock: scheduler.clock, prng: new Prng(3), trace: null })
  link.connect(a, b)
  return { scheduler, link, a, b, atA, atB }
}

test('link: latency, then bandwidth: a message waits for the one before it', async (t) => {
  const { scheduler, a, atB, link } = setup(t, { latencyMsMin: 50, latencyMsMax: 50, jitterMs: 0, bandwidthBytesPerSec: 1000 })
  a.push('x'.repeat(500))
  a.push('y'.repeat(500))
  await scheduler.advance(2000)
  t.alike(atB.map((m) => [m.at, m.data.length, m.data[0]]), [[550, 500, 'x'], [1050, 500, 'y']])
  t.is(link.messages, 2)
  t.is(link.bytes, 1000)
})

test('link: jitter never reorders messages', async (t) => {
  const { scheduler, a, atB } = setup(t, { latencyMsMin: 10, latencyMsMax: 10, jitterMs: 200, bandwidthBytesPerSec: 0 })
  for (let i = 0; i < 30; i++) a.push(`m${i}`)
  await scheduler.advance(1000)
  t.alike(atB.map((m) => m.data), Array.from({ length: 30 }, (_, i) => `m${i}`))
  for (let i = 1; i < atB.length; i++) t.ok((atB[i] as Arrival).at >= (atB[i - 1] as Arrival).at)
  t.ok(new Set(atB.map((m) => m.at)).size > 1, 'jitter spread the arrivals')
})

test('link: stall holds messages until resume; both directions', async (t) => {
  const { scheduler, a, b, atA, atB, link } = setup(t, { latencyMsMin: 20, latencyMsMax: 20, jitterMs: 0, bandwidthBytesPerSec: 0 })
  link.stall()
  a.push('to b')
  b.push('to a')
  await scheduler.advance(1000)
  t.is(atB.length + atA.length, 0, 'nothing crossed a stalled link')
  link.resume()
  await scheduler.advance(1000)
  t.alike(atB, [{ at: 1020, data: 'to b' }])
  t.alike(atA, [{ at: 1020, data: 'to a' }])
})

test('link: slow lowers the bandwidth until unslow', async (t) => {
  const { scheduler, a, atB, link } = setup(t, { latencyMsMin: 0, latencyMsMax: 0, jitterMs: 0, bandwidthBytesPerSec: 1_000_000 })
  link.slow(100)
  a.push('z'.repeat(100))
  await scheduler.advance(5000)
  link.unslow()
  a.push('z'.repeat(100))
  await scheduler.advance(5000)
  t.alike(atB.map((m) => m.at), [1000, 5001], 'ceil of 0.1 ms at 1 MB/s')
  await t.exception.all(() => link.slow(0), /bandwidth/)
})

test('link: cut drops what is in flight and destroys both streams', async (t) => {
  const { scheduler, a, b, atB, link } = setup(t, { latencyMsMin: 100, latencyMsMax: 100, jitterMs: 0, bandwidthBytesPerSec: 0 })
  a.push('lost')
  await scheduler.advance(50)
  link.cut()
  await scheduler.advance(500)
  t.is(atB.length, 0)
  t.ok(a.destroyed && b.destroyed)
  t.absent(link.connected)
  t.is(scheduler.clock.pendingTimers, 0, 'no delivery timer left behind')
})

test('link: a stream that closes by itself closes the far end after the wire drains', async (t) => {
  const { scheduler, a, b, atB, link } = setup(t, { latencyMsMin: 30, latencyMsMax: 30, jitterMs: 0, bandwidthBytesPerSec: 0 })
  let closed = false
  link.onclose = () => { closed = true }
  a.push('last words')
  await scheduler.settle() // on the wire now
  a.destroy()
  await scheduler.advance(100)
  t.alike(atB.map((m) => m.data), ['last words'])
  t.ok(b.destroyed)
  t.ok(closed)
})

test('link: options are validated', (t) => {
  t.alike(checkLinkOptions({}), { latencyMsMin: 5, latencyMsMax: 40, jitterMs: 5, bandwidthBytesPerSec: 10_000_000 })
  t.exception.all(() => checkLinkOptions({ latencyMsMin: 10, latencyMsMax: 5 }), /latencyMsMax/)
  t.exception.all(() => checkLinkOptions({ jitterMs: -1 }), /jitterMs/)
  t.exception.all(() => checkLinkOptions({ bandwidthBytesPerSec: Number.NaN }), /bandwidthBytesPerSec/)
  t.exception.all(() => checkLinkOptions({ latencyMsMin: 1.5 }), /integers/)
  t.exception.all(() => new Link(1, 1, checkLinkOptions({}), { clock: new VirtualClock(), prng: new Prng(1), trace: null }), /bad link/)
})
