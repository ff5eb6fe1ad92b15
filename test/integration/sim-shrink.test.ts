// The shrinker and the step helpers it relies on, without simulations: a fake `run`
// plants a bug that needs a few particular steps, and the shrinker must find them.
import test from 'brittle'
import {
  checkStep, failureOf, generateScenario, removeChunks, sameFailure, renumberStep, restrictScenario, scenarioSize, shrink, shrinkScenario,
  simplerSteps, simplifyEach, stepCores, stepPeers, type Scenario, type Step, type Violation
} from '../../src/sim'
import { allConnected } from '../../src/sim/shrink/shrink-scenario'

/** One step of every kind. */
const EVERY_KIND: Step[] = [
  { kind: 'append', peer: 2, core: 1, blocks: 4 },
  { kind: 'get', peer: 1, core: 2, index: 6 },
  { kind: 'open-session', peer: 0, core: 1 },
  { kind: 'close-session', peer: 2, core: 0 },
  { kind: 'download', peer: 1, core: 1, start: 2, end: 9 },
  { kind: 'replicate', a: 0, b: 2 },
  { kind: 'advance', ms: 4000 },
  { kind: 'disconnect', a: 1, b: 2, durationMs: 30_000 },
  { kind: 'partition', side: [0, 2], durationMs: 20_000 },
  { kind: 'stall', a: 0, b: 1, durationMs: 9000 },
  { kind: 'slow', a: 0, b: 2, bandwidthBytesPerSec: 10_000, durationMs: 8000 },
  { kind: 'crash', peer: 2, downMs: 5000, inflightAppend: { core: 2, blocks: 3, afterStorageOps: 1 } },
  { kind: 'restart', peer: 1 },
  { kind: 'heal' }
]

test('steps: peers and cores each kind names', (t) => {
  const named = EVERY_KIND.map((s) => [s.kind, stepPeers(s), stepCores(s)])
  t.alike(named, [
    ['append', [2], [1]], ['get', [1], [2]], ['open-session', [0], [1]], ['close-session', [2], [0]], ['download', [1], [1]],
    ['replicate', [0, 2], []], ['advance', [], []], ['disconnect', [1, 2], []], ['partition', [0, 2], []], ['stall', [0, 1], []],
    ['slow', [0, 2], []], ['crash', [2], [2]], ['restart', [1], []], ['heal', [], []]
  ])
  t.exception.all(() => stepPeers({ kind: 'nope' } as unknown as Step), /unknown step kind nope/)
})

test('steps: renumbering drops what names a removed peer or core and keeps the rest valid', (t) => {
  // Remove peer 1 and core 0: peer 2 -> 1, core 1 -> 0, core 2 -> 1.
  const peer = (p: number): number | null => p === 1 ? null : p > 1 ? p - 1 : p
  const core = (c: number): number | null => c === 0 ? null : c - 1
  const out = EVERY_KIND.map((s) => renumberStep(s, peer, core))
  t.alike(out.map((s) => s?.kind ?? null), [
    'append', null, 'open-session', null, null, 'replicate', 'advance', null, 'partition', null, 'slow', 'crash', null, 'heal'
  ])
  t.alike(out[0], { kind: 'append', peer: 1, core: 0, blocks: 4 })
  t.alike(out[8], { kind: 'partition', side: [0, 1], durationMs: 20_000 })
  t.alike(out[11], { kind: 'crash', peer: 1, downMs: 5000, inflightAppend: { core: 1, blocks: 3, afterStorageOps: 1 } })
  // A crash whose in-flight core is removed crashes with nothing in flight.
  t.alike(renumberStep(EVERY_KIND[11] as Step, (p) => p, (c) => c === 2 ? null : c), { kind: 'crash', peer: 2, downMs: 5000 })
  for (const s of out) if (s !== null) checkStep(s, 2, 2)
  t.is(EVERY_KIND[0]?.kind === 'append' ? EVERY_KIND[0].peer : -1, 2, 'the original is not mutated')
})

test('steps: simpler variants are valid and strictly simpler, so shrinking ends', (t) => {
  let total = 0
  for (const step of EVERY_KIND) {
    const seen = new Set<string>()
    let frontier = [step]
    // Following variants must end: every chain bottoms out.
    for (let depth = 0; frontier.length > 0; depth++) {
      t.ok(depth < 40, `${step.kind}: variants end`)
      if (depth >= 40) break
      frontier = frontier.flatMap(simplerSteps).filter((v) => !seen.has(JSON.stringify(v)))
      for (const v of frontier) {
        seen.add(JSON.stringify(v))
        checkStep(v, 3, 3)
      }
    }
    total += seen.size
  }
  t.ok(total > 20, `${total} variants`)
  t.alike(simplerSteps({ kind: 'append', peer: 0, core: 0, blocks: 4 }), [{ kind: 'append', peer: 0, core: 0, blocks: 1 }, { kind: 'append', peer: 0, core: 0, blocks: 2 }])
  t.alike(simplerSteps({ kind: 'heal' }), [])
})

test('shrink: delta debugging finds the two elements a planted failure needs', async (t) => {
  const list = Array.from({ length: 100 }, (_, i) => i)
  const tested: string[] = []
  const fails = async (xs: number[]): Promise<boolean> => {
    tested.push(JSON.stringify(xs))
    return xs.includes(13) && xs.includes(71)
  }
  const pass = removeChunks<number[], number>('remove', (xs) => xs, (_, xs) => xs)
  const one = await shrink(list, { passes: [pass], fails })
  t.alike(one.value, [13, 71])
  t.absent(one.outOfTime)
  t.is(new Set(tested).size, tested.length, 'no candidate is run twice')
  t.ok(one.runs < 100, `${one.runs} runs`)
  const two = await shrink(list, { passes: [pass], fails, parallel: 3 })
  t.alike(two.value, [13, 71], 'the same result when candidates run three at a time')
})

test('shrink: a spent budget returns the smallest failing value so far', async (t) => {
  let clock = 0
  const out = await shrink(Array.from({ length: 64 }, (_, i) => i), {
    passes: [removeChunks<number[], number>('remove', (xs) => xs, (_, xs) => xs)],
    fails: async (xs) => { clock += 10; return xs.includes(5) },
    budgetMs: 45,
    now: () => clock
  })
  t.ok(out.outOfTime, 'out of time')
  t.ok(out.value.includes(5), 'still fails')
  t.ok(out.value.length < 64 && out.value.length > 1, `smallest so far: ${out.value.length} elements`)
  t.ok(out.runs <= 5, `${out.runs} runs within the budget`)
})

test('shrink: simplifyEach makes elements simpler; a rejected run counts as passing', async (t) => {
  const out = await shrink([9, 8, 30], {
    passes: [simplifyEach<number[], number>('halve', (xs) => xs, (_, xs) => xs, (x) => x > 0 ? [0, Math.floor(x / 2)] : [])],
    fails: async (xs) => {
      if (xs[0] === 4) throw new Error('a run that crashes is not the failure we keep')
      return (xs[2] as number) >= 7
    }
  })
  t.alike(out.value, [0, 0, 7])
})

/** A planted bug for the scenario shrinker: fails when a reader of core c opens it twice and closes it once. */
function plantedRun (s: Scenario): { violations: Violation[] } {
  const open = new Map<string, number>()
  for (const [i, step] of s.steps.entries()) {
    if (step.kind === 'open-session') open.set(`${step.peer}/${step.core}`, (open.get(`${step.peer}/${step.core}`) ?? 0) + 1)
    if (step.kind === 'close-session' && (open.get(`${step.peer}/${step.core}`) ?? 0) >= 2 && s.cores[step.core]?.owner !== step.peer) {
      return { violations: [{ invariant: 'session-count', atMs: 0, step: i, peer: step.peer, core: step.core, detail: 'planted' }] }
    }
  }
  return { violations: [] }
}

test('shrinkScenario: a 300-step, 8-peer failure shrinks to the 3 steps and 2 peers it needs', async (t) => {
  let seed = 0
  let original: Scenario | null = null
  while (original === null && seed < 50) {
    const s = generateScenario({ seed: seed++ })
    if (plantedRun(s).violations.length > 0) original = s
  }
  if (original === null) return t.fail('no generated scenario trips the planted bug')
  const failure = plantedRun(original).violations[0] as Violation
  const out = await shrinkScenario(original, {
    failure: { invariant: failure.invariant, step: failure.step, peer: failure.peer as number, core: failure.core as number },
    run: async (s) => plantedRun(s),
    parallel: 2
  })
  t.alike(scenarioSize(out.value), { steps: 3, peers: 2, cores: 1, links: 1 }, `shrunk in ${out.runs} runs (the reader keeps its link to the owner)`)
  t.alike(out.value.steps.map((s) => s.kind), ['open-session', 'open-session', 'close-session'])
  for (const step of out.value.steps) checkStep(step, out.value.peers, out.value.cores.length)
  t.is(out.value.seed, original.seed, 'the seed is kept')
})

test('restrictScenario: a removed peer takes its cores, links, readers and steps along', (t) => {
  const s = generateScenario({ seed: 4, peers: 4, cores: 6, steps: 200 })
  const r = restrictScenario(s, (p) => p !== 1, () => true) as Scenario
  t.is(r.peers, 3)
  t.is(r.cores.length, s.cores.filter((c) => c.owner !== 1).length)
  for (const [a, b] of r.links) t.ok(a < 3 && b < 3)
  for (const readers of r.readers) for (const p of readers) t.ok(p < 3)
  for (const step of r.steps) checkStep(step, r.peers, r.cores.length)
  t.ok(r.steps.length < s.steps.length && r.steps.length > 0, `${s.steps.length} -> ${r.steps.length} steps`)
  t.is(restrictScenario(s, () => false, () => true), null, 'no peer left')
})

/** A planted app bug: `app.stale read` when p1 opens a session; `app.final check` whenever a peer is cut off (a different failure). */
function plantedAppRun (s: Scenario): { violations: Violation[] } {
  const violations: Violation[] = []
  const i = s.steps.findIndex((step) => step.kind === 'open-session' && step.peer === 1)
  if (i !== -1) violations.push({ invariant: 'workload', atMs: 0, step: i, detail: 'app.stale read: p1 saw version 3 after 4' })
  if (!allConnected(s)) violations.push({ invariant: 'workload', atMs: 0, step: null, detail: 'app.final check: a peer never caught up' })
  return { violations }
}

test('shrinkScenario: an app failure keeps its own check, on peers that stay connected', async (t) => {
  const stale = { invariant: 'workload' as const, atMs: 0, step: 0, detail: 'app.stale read: x' }
  const final = { invariant: 'workload' as const, atMs: 0, step: null, detail: 'app.final check: y' }
  const failure = failureOf([stale]) as NonNullable<ReturnType<typeof failureOf>>
  t.is(failure.check, 'app.stale read', 'the failure names the app check')
  t.absent(sameFailure(failure, [final]), 'another check of the same app is another failure')
  t.ok(sameFailure(failure, [final, stale]), 'the same check is the same failure')
  const setup = failureOf([{ invariant: 'workload', atMs: 0, step: 3, detail: 'setup on peer 3 after its restart failed: EIO' }])
  t.is(setup?.check, 'setup on peer N after its restart failed', 'peer numbers are not part of the check (shrinking renumbers peers)')
  t.ok(setup !== null && sameFailure(setup, [{ invariant: 'workload', atMs: 0, step: 1, detail: 'setup on peer 1 after its restart failed: EIO' }]), 'so the same check on a renumbered peer is the same failure')

  let seed = 0
  let original: Scenario | null = null
  while (original === null && seed < 50) {
    const s = generateScenario({ seed: seed++ })
    if (plantedAppRun(s).violations.length > 0 && allConnected(s)) original = s
  }
  if (original === null) return t.fail('no generated scenario trips the planted app bug')
  const out = await shrinkScenario(original, {
    failure: failureOf(plantedAppRun(original).violations) as NonNullable<ReturnType<typeof failureOf>>,
    connected: true,
    run: async (s) => plantedAppRun(s),
    parallel: 2
  })
  t.ok(allConnected(out.value), `every peer still reaches every other (${out.value.peers} peers, ${out.value.links.length} links)`)
  t.ok(sameFailure(failure, plantedAppRun(out.value).violations), 'the shrunk scenario fails the same app check')
  t.ok(out.value.steps.length <= 2, `shrunk to ${out.value.steps.length} step(s)`)
})
