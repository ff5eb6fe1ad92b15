import test from 'brittle'
import { Prng, deriveSeed, checkSeed, generateScenario } from '../../src/sim'
import { createSim } from './sim-helpers'

test('prng: same seed, same draws; forks are independent of each other and of draw order', (t) => {
  const a = new Prng(7)
  const b = new Prng(7)
  t.alike([a.int(0, 1000), a.float(), a.pick(['x', 'y', 'z'])], [b.int(0, 1000), b.float(), b.pick(['x', 'y', 'z'])])

  const root1 = new Prng(7)
  const first = root1.fork('peer/1').int(0, 2 ** 30)
  const root2 = new Prng(7)
  root2.fork('peer/0').int(0, 100) // another component draws first
  root2.int(0, 100) // and the root draws too
  t.is(root2.fork('peer/1').int(0, 2 ** 30), first, 'a fork depends only on (seed, name)')
  t.not(deriveSeed(7, 'peer/1'), deriveSeed(7, 'peer/2'))
  t.not(deriveSeed(7, 'peer/1'), deriveSeed(8, 'peer/1'))
})

test('prng: distributions stay in range; bad input is rejected', (t) => {
  const p = new Prng(1)
  for (let i = 0; i < 200; i++) {
    const n = p.int(-3, 3)
    t.ok(n >= -3 && n <= 3 && Number.isInteger(n), `int ${n}`)
  }
  const sample = p.sample([1, 2, 3, 4, 5], 3)
  t.is(new Set(sample).size, 3)
  t.is(p.bytes(32).length, 32)
  t.is(p.weighted({ never: 0, always: 1 }), 'always')
  t.exception.all(() => p.int(3, 2), /range/)
  t.exception.all(() => p.pick([]), /empty/)
  t.exception.all(() => new Prng(-1), /seed/)
  t.exception.all(() => checkSeed(2 ** 32), /seed/)
  t.exception.all(() => checkSeed(1.5), /seed/)
})

test("prng: adding a peer does not change another peer's keys or its links' latency", async (t) => {
  const small = await createSim(t, { seed: 11, peers: 2, cores: [{ name: 'c', owner: 1 }] })
  const key = small.catalog.get(0).key
  const latency = small.network.link(0, 1)?.latencyMs
  await small.close()
  const big = await createSim(t, { seed: 11, peers: 5, cores: [{ name: 'c', owner: 1 }] })
  t.alike(big.catalog.get(0).key, key, 'peer 1 derives the same core key')
  t.is(big.network.link(0, 1)?.latencyMs, latency, 'link 0-1 draws the same latency')
})

test('prng: scenarios are a pure function of their options', (t) => {
  const a = generateScenario({ seed: 5, peers: 4, cores: 6, steps: 50 })
  const b = generateScenario({ seed: 5, peers: 4, cores: 6, steps: 50 })
  const c = generateScenario({ seed: 6, peers: 4, cores: 6, steps: 50 })
  t.alike(a, b)
  t.unlike(a.steps, c.steps)
})
