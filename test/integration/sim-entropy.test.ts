// The sources of nondeterminism an app can reach, each closed at its source (issue 18):
// storage reads racing writes, sodium's and node's entropy, the real Date while a store
// opens, immediates awaited through promisify. Each test fails if its fix is taken out.
import test from 'brittle'
import crypto from 'crypto'
import { promisify } from 'util'
import hypercoreCrypto from 'hypercore-crypto'
import { CompletionQueue } from '../../src/sim/disk/completion-queue'
import { CryptoRandomRoute, ImmediateTrackerForTest, VirtualClock } from './sim-entropy-helpers'

test('entropy: storage: a write reaches RocksDB only at its turn, a read never overtakes it', async (t) => {
  const q = new CompletionQueue()
  const db = {}
  const started: string[] = []
  const w = q.submit(-1, 0, db, true)
  q.launch(w, () => { started.push('write') })
  t.alike(started, [], 'a write is not handed over when submitted')
  const r = q.submit(-1, 0, db, false)
  q.launch(r, () => { started.push('read after write') })
  const other = q.submit(-1, 0, {}, false)
  q.launch(other, () => { started.push('read of another database') })
  t.alike(started, ['read of another database'], 'a read waits for an earlier write of its database, not of another')
  const waiting = q.waitForHead()
  t.alike(started, ['read of another database', 'write'], 'at idle, the head write is handed over')
  q.complete(w, () => { started.push('write released') }, null, [])
  await waiting
  t.ok(q.releaseNext())
  t.alike(started, ['read of another database', 'write', 'read after write', 'write released'], 'the read goes once the write is released')
})

test('entropy: storage: a read with no earlier write of its database goes at once', (t) => {
  const q = new CompletionQueue()
  const db = {}
  const started: string[] = []
  const r1 = q.submit(-1, 0, db, false)
  q.launch(r1, () => { started.push('r1') })
  const w = q.submit(-1, 0, db, true)
  q.launch(w, () => { started.push('w') })
  const r2 = q.submit(-1, 0, db, false)
  q.launch(r2, () => { started.push('r2') })
  t.alike(started, ['r1'])
  q.unsubmit(w)
  t.alike(started, ['r1', 'r2'], 'a write taken back lets the reads behind it go')
})

test('entropy: sodium and node crypto draw from the seed while routed, and from the system after', (t) => {
  const draw = (): string[] => {
    const kp = hypercoreCrypto.keyPair()
    const msg = Buffer.from('signed')
    t.ok(hypercoreCrypto.verify(msg, hypercoreCrypto.sign(msg, kp.secretKey), kp.publicKey), 'a routed key pair is a real key pair')
    return [kp.publicKey.toString('hex'), hypercoreCrypto.randomBytes(8).toString('hex'), crypto.randomBytes(8).toString('hex'), crypto.randomUUID(), Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString('hex')]
  }
  const routed = (seed: number, epoch: number): string[] => {
    const route = new CryptoRandomRoute(seed)
    route.install()
    try {
      route.begin(epoch)
      return draw()
    } finally {
      route.uninstall()
    }
  }
  t.alike(routed(7, 1), routed(7, 1), 'same seed and epoch: same keys and bytes')
  const other = routed(7, 2)
  const first = routed(7, 1)
  for (let i = 0; i < first.length; i++) t.not(first[i], other[i], `another epoch, another draw (${i})`)
  t.not(draw()[0], draw()[0], 'uninstalled: the system\'s entropy again')
})

test('entropy: while a store opens, only device-file sees the real Date', async (t) => {
  const clock = new VirtualClock()
  clock.install()
  t.teardown(() => clock.uninstall())
  const thisFile = /sim-entropy\.test\.js/
  const elsewhere = /no-such-file/
  const realYear = new Date(performance.timeOrigin).getUTCFullYear()
  let inside = 0
  let outside = 0
  await clock.withRealDateFor(elsewhere, async () => { outside = Date.now() })
  await clock.withRealDateFor(thisFile, async () => { inside = Date.now() })
  t.is(outside, clock.now(), 'a caller the window does not name keeps virtual time')
  t.is(new Date(inside).getUTCFullYear(), realYear, 'the named caller gets the real time')
  t.is(Date.now(), clock.now(), 'after the window, virtual time for everyone')
})

test('entropy: an immediate awaited through util.promisify is counted as pending work', async (t) => {
  const tracker = new ImmediateTrackerForTest()
  tracker.install()
  t.teardown(() => tracker.uninstall())
  const later = promisify(setImmediate)
  const p = later('v')
  t.is(tracker.pending, 1)
  t.is(await p, 'v')
  t.is(tracker.pending, 0)
})
