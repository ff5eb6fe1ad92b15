import test from 'brittle'
import { FAULT_KINDS, PEER_NET_FAULT_KINDS, blockContent, checkStep, describeStep, generateScenario, packageStoreFactory, resolveStoreFactory, runScenario, runSteps, type Step } from '../../src/sim'

test('scenario: fault kinds and rates are drawn from the seed (swarm testing)', (t) => {
  const profiles = Array.from({ length: 20 }, (_, seed) => generateScenario({ seed, steps: 10 }).faultProfile)
  for (const p of profiles) {
    t.ok(p.drawn)
    t.ok(Object.keys(p.rates).length >= 2, 'at least two kinds per run')
  }
  const distinct = new Set(profiles.map((p) => Object.keys(p.rates).join(',')))
  t.ok(distinct.size > 3, `${distinct.size} different kind sets over 20 seeds`)

  const given = generateScenario({ seed: 1, steps: 400, faults: ['crash'] })
  t.absent(given.faultProfile.drawn)
  t.alike(Object.keys(given.faultProfile.rates), ['crash'])
  const kinds = new Set(given.steps.map((s) => s.kind))
  for (const k of FAULT_KINDS) if (k !== 'crash') t.absent(kinds.has(k), `no ${k}`)
  t.ok(kinds.has('crash'))
  t.is(generateScenario({ seed: 1, steps: 200, faults: [] }).steps.filter((s) => FAULT_KINDS.includes(s.kind as never)).length, 0)
})

test('scenario: generated steps are valid and advance steps share the duration', (t) => {
  const s = generateScenario({ seed: 3, peers: 5, cores: 7, steps: 300, durationMs: 100_000 })
  t.is(s.steps.filter((step) => step.kind !== 'api' && !PEER_NET_FAULT_KINDS.includes(step.kind as never)).length, 300, 'api steps of drawn features, one-way and sleep faults come on top')
  for (const step of s.steps) checkStep(step, s.peers, s.cores.length)
  const advanced = s.steps.reduce((n, step) => n + (step.kind === 'advance' ? step.ms : 0), 0)
  t.is(advanced, 100_000)
  for (const [c, readers] of s.readers.entries()) {
    const owner = s.cores[c]?.owner as number
    for (const r of readers) t.ok(s.links.some(([a, b]) => (a === r && b === owner) || (a === owner && b === r)), `reader ${r} links to owner ${owner}`)
  }
})

test('scenario: steps are checked and described', (t) => {
  t.exception.all(() => checkStep({ kind: 'append', peer: 5, core: 0, blocks: 1 }, 2, 1), /no peer 5/)
  t.exception.all(() => checkStep({ kind: 'get', peer: 0, core: 3, index: 0 }, 2, 1), /no core 3/)
  t.exception.all(() => checkStep({ kind: 'disconnect', a: 1, b: 1 }, 2, 1), /two peers/)
  t.exception.all(() => checkStep({ kind: 'append', peer: 0, core: 0, blocks: 0 }, 2, 1), /blocks/)
  t.exception.all(() => checkStep({ kind: 'nope' } as unknown as Step, 2, 1), /unknown step/)
  t.is(describeStep({ kind: 'append', peer: 2, core: 5, blocks: 3 }), 'p2 append c5 x3')
  t.is(describeStep({ kind: 'partition', side: [0, 3], durationMs: 500 }), 'partition [p0 p3] for 500ms')
})

test('scenario: runSteps returns one observation per step, the same on every run', { timeout: 60_000 }, async (t) => {
  const steps: Step[] = [
    { kind: 'append', peer: 0, core: 0, blocks: 2 },
    { kind: 'get', peer: 1, core: 0, index: 1 },
    { kind: 'get', peer: 1, core: 0, index: 7 },
    { kind: 'close-session', peer: 1, core: 0 },
    { kind: 'append', peer: 1, core: 0, blocks: 1 },
    { kind: 'advance', ms: 10_000 }
  ]
  const opts = { seed: 8, peers: 2, cores: 1, stepTimeoutMs: 1000, convergeTimeoutMs: 30_000 }
  const a = await runSteps(steps, opts)
  const b = await runSteps(steps, opts)
  t.alike(a.results.map((r) => [r.ok, r.code, r.value]), [
    [true, undefined, 2],
    [true, undefined, blockContent('core-0', 1).byteLength],
    [false, 'REQUEST_TIMEOUT', undefined],
    [false, 'NO_SESSION', undefined],
    [false, 'SESSION_NOT_WRITABLE', undefined],
    [true, undefined, undefined]
  ])
  t.alike(a.results, b.results)
  t.is(a.traceHash, b.traceHash)
  t.ok(a.convergence?.ok)
  t.alike(a.violations, [])
})

test('scenario: upstream corestore runs the same scenarios without violations', { timeout: 120_000 }, async (t) => {
  const factory = resolveStoreFactory('upstream')
  t.is(factory.name, 'corestore')
  t.absent(factory.tunableGc)
  t.exception(() => packageStoreFactory('no-such-store-package-xyz'), /Cannot find module/)
  const r = await runScenario({ seed: 12, peers: 4, cores: 4, steps: 80, durationMs: 60_000, store: 'upstream' })
  t.is(r.store, 'corestore')
  t.alike(r.violations, [])
  t.ok(r.converged)
})
