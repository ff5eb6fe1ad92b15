// Api steps (src/sim/scenario/features): each feature's oracle holds on our store and
// catches a bug planted in it (a monkey-patch of the compiled store, as the mutants are).
import test from 'brittle'
import type Hypercore = require('hypercore')
import { Corestore } from '../../src/store/corestore'
import * as keyDerivation from '../../src/store/key-derivation'
import { FEATURE_NAMES, generateScenario, runGivenScenario, type ApiStep, type FeatureName, type RunResult, type Scenario, type Sim } from '../../src/sim'
import { failureOf, shrinkScenario } from '../../src/sim/shrink/shrink-scenario'
import { restrictScenario } from '../../src/sim/shrink/scenario-edit'
import { simplerSteps } from '../../src/sim/shrink/step-variants'
import { namespaceDropped } from '../property/mutants/namespace-dropped'
import { closedStoreErrorIsBadArgument } from '../property/mutants/closed-store-error-is-bad-argument'
import { waitOptionsDroppedOnPreload } from '../property/mutants/wait-options-dropped-on-preload'
import { findingPeersSkipsEarlySessions } from '../property/mutants/finding-peers-skips-early-sessions'
import { findingPeersSkipsLateSessions } from '../property/mutants/finding-peers-skips-late-sessions'
import { groupDestroyRemovesLast } from '../property/mutants/group-destroy-removes-last'
import { closeIgnoresPending } from '../property/mutants/close-ignores-pending'
import { rootCloseSkipsSessions } from '../property/mutants/root-close-skips-sessions'
import { closeDestroysStreams } from '../property/mutants/close-destroys-streams'
import { attachSkipsStored } from '../property/mutants/attach-skips-stored'
import { sharedStreamCloseUnpairsAll } from '../property/mutants/shared-stream-close-unpairs-all'
import { patch, type Restore } from '../property/mutants/mutant'
import { createSim } from './sim-helpers'
import type { Teardown } from '../helpers/create'
import { parseRunArgs } from '../../src/sim/cli/args'
import { parseFuzzArgs } from '../../src/sim/cli/fuzz-args'
import { replayCommand } from '../../src/sim/trace/summary'

type Proto = Record<string, (...args: never[]) => unknown>
const proto = Corestore.prototype as unknown as Proto

/** Planted bugs, one per oracle (each also names what the oracle must say). */
const BUGS: Record<string, { bug: () => Restore, says: RegExp }> = {
  // Every namespace derives the root's names.
  namespace: { bug: namespaceDropped.apply, says: /^namespace: namespaces api-a and api-b give api-ns-0 one key/ },
  // namespace() derives from the root's namespace, not its own store's.
  nested: {
    bug: () => patch(proto, 'namespace', () => function (this: Corestore, name: string) {
      return this.session({ namespace: keyDerivation.deriveNamespace(keyDerivation.DEFAULT_NAMESPACE, name) })
    }),
    says: /^namespace: namespace api-b of namespace api-a gives api-ns-0 the key [0-9a-f]+ of a namespace of the root/
  },
  // A store session's close() forgets the sessions it opened.
  sessions: {
    bug: () => patch(proto, '_close', (original) => function (this: Corestore) {
      if (this.root === null) return original.call(this as never)
      this.corestores.delete(this)
      return Promise.resolve()
    }),
    says: /^sessions: 2 of the 2 sessions a closed store session opened stay open/
  },
  closed: { bug: closedStoreErrorIsBadArgument.apply, says: /^closed: get\(\) on a closed store session threw BAD_ARGUMENT/ },
  // createKeyPair derives in a namespace one level too deep.
  keys: {
    bug: () => patch(proto, 'createKeyPair', (original) => function (this: Corestore, name: string, ns?: Uint8Array) {
      return original.call(this as never, name as never, keyDerivation.deriveNamespace(Buffer.from(ns ?? this.ns), name) as never)
    }),
    says: /^keys: createKeyPair\('core-0'\) derives [0-9a-f]+, the core is signed by/
  },
  // get({ discoveryKey }) takes the discovery key for the key.
  discoveryKey: {
    bug: () => patch(proto, 'get', (original) => function (this: Corestore, input?: { discoveryKey?: Buffer, key?: Buffer }) {
      const opts = input?.discoveryKey !== undefined && input.key === undefined ? { ...input, key: input.discoveryKey, discoveryKey: undefined } : input
      return original.call(this as never, opts as never)
    }),
    says: /^keys: get\(\{ discoveryKey \}\) opened key [0-9a-f]+, the core's key is/
  },
  // list() ends after its first discovery key.
  list: {
    bug: () => patch(proto, 'list', (original) => function (this: Corestore, ns?: Buffer) {
      const all = original.call(this as never, ns as never) as AsyncIterable<Buffer>
      return (async function * () { for await (const dk of all) { yield dk; return } })()
    }),
    says: /^list: list\(\) misses stored core\(s\) c\d/
  },
  wait: { bug: waitOptionsDroppedOnPreload.apply, says: /^get-options: a wait: false session's get of a block not held (was still waiting|waited)/ },
  timeout: { bug: waitOptionsDroppedOnPreload.apply, says: /^get-options: a get with timeout 1500 ms was still waiting after 4500 ms/ },
  // Sessions ignore writable: false.
  writable: {
    bug: () => patch(proto, 'makeSession', (original) => function (this: Corestore, conf: Hypercore.SessionConfig, preloading: boolean) {
      return original.call(this as never, { ...conf, writable: undefined } as never, preloading as never)
    }),
    says: /^get-options: a writable: false session of an owned core is writable/
  },
  // Sessions ignore active: false.
  active: {
    bug: () => patch(proto, 'makeSession', (original) => function (this: Corestore, conf: Hypercore.SessionConfig, preloading: boolean) {
      return original.call(this as never, { ...conf, active: true } as never, preloading as never)
    }),
    says: /^get-options: an active: false session changed the core's active sessions from (\d+) to (?!\1)\d+/
  },
  // unwatch() forgets nothing.
  watch: { bug: () => patch(proto, 'unwatch', () => function () {}), says: /^watch: a watcher was called 1 time\(s\) after unwatch\(\)/ },
  // resume() resumes a storage it forgot it suspended, and fails. (A resume that does
  // nothing cannot be seen here: RocksDB takes writes while suspended.)
  suspend: {
    bug: () => patch(proto, 'resume', () => async function () { throw new Error('not suspended') }),
    says: /^suspend: suspend\(\) then resume\(\) failed on a healthy disk: not suspended/
  },
  findingPeersEarly: { bug: findingPeersSkipsEarlySessions.apply, says: /^finding-peers: an update\(\) of a session opened before findingPeers\(\) settled within 2000 ms/ },
  findingPeersLate: { bug: findingPeersSkipsLateSessions.apply, says: /^finding-peers: an update\(\) of a session opened after findingPeers\(\) settled within 2000 ms/ },
  // A store session's group-active goes to the root instead.
  groupActive: {
    bug: () => patch(proto, 'emit', (original) => function (this: Corestore, event: string, ...args: unknown[]) {
      return original.call((event === 'group-active' && this.root !== null ? this.root : this) as never, event as never, ...args as never[])
    }),
    says: /^groups: with 3 handles, an append to grouped core 0 fired group-active \[\], not once/
  },
  closePending: { bug: closeIgnoresPending.apply, says: /^close: 2 of 2 sessions whose get\(\) was preloading when their store session closed are open after close\(\) resolved/ },
  closeLinksUp: { bug: closeDestroysStreams.apply, says: /^close: close\(\) with links up destroyed 1 of the 1 replication streams the caller owns/ },
  groupDestroy: { bug: groupDestroyRemovesLast.apply, says: /^groups: handle 0 destroyed \(1 of 3\), handle 0 \(destroyed\) heard an append 1 times/ }
}

/** The step of each case: peer 0 owns cores 0 and 2 (cores are owned round-robin). */
const CASES: Array<[string, ApiStep]> = [
  ['namespace', { kind: 'api', peer: 0, feature: 'namespace', arg: 0 }],
  ['nested', { kind: 'api', peer: 0, feature: 'namespace', arg: 0 }],
  ['sessions', { kind: 'api', peer: 1, feature: 'sessions', core: 0, arg: 0 }],
  ['closed', { kind: 'api', peer: 1, feature: 'closed', core: 0, arg: 0 }],
  ['keys', { kind: 'api', peer: 0, feature: 'keys', core: 0, arg: 0 }],
  ['discoveryKey', { kind: 'api', peer: 0, feature: 'keys', core: 0, arg: 0 }],
  ['list', { kind: 'api', peer: 0, feature: 'list', arg: 1 }],
  ['wait', { kind: 'api', peer: 0, feature: 'get-options', core: 0, arg: 0 }],
  ['timeout', { kind: 'api', peer: 0, feature: 'get-options', core: 0, arg: 1 }],
  ['writable', { kind: 'api', peer: 0, feature: 'get-options', core: 0, arg: 2 }],
  ['active', { kind: 'api', peer: 1, feature: 'get-options', core: 0, arg: 3 }],
  ['watch', { kind: 'api', peer: 0, feature: 'watch', arg: 0 }],
  ['suspend', { kind: 'api', peer: 0, feature: 'suspend', core: 0, arg: 0 }],
  ['findingPeersEarly', { kind: 'api', peer: 1, feature: 'finding-peers', arg: 0 }],
  ['findingPeersLate', { kind: 'api', peer: 1, feature: 'finding-peers', arg: 0 }],
  ['groupActive', { kind: 'api', peer: 0, feature: 'groups', arg: 0 }],
  ['groupDestroy', { kind: 'api', peer: 0, feature: 'groups', arg: 0 }],
  ['closePending', { kind: 'api', peer: 1, feature: 'close', arg: 0 }],
  ['closeLinksUp', { kind: 'api', peer: 1, feature: 'close', arg: 2 }]
]

/** Runs a short scenario ending in `step`, with `bug` planted during the step alone; returns the api violations' details. */
async function apiDetails (t: Teardown, step: ApiStep, bug?: () => Restore): Promise<{ details: string[], sim: Sim }> {
  const sim = await createSim(t, { seed: 7, peers: 2, cores: 4 })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 3 })
  await sim.apply({ kind: 'open-session', peer: 1, core: 0 })
  await sim.apply({ kind: 'advance', ms: 20_000 }) // GC closes the idle cores: watch has closed ones to open
  const restore = bug?.()
  try {
    await sim.apply(step)
  } finally {
    restore?.()
  }
  const details = sim.violations.filter((v) => v.invariant === 'api').map((v) => v.detail)
  return { details, sim }
}

for (const [name, step] of CASES) {
  test(`features: ${name}: the oracle holds on our store and does real work`, async (t) => {
    const { details, sim } = await apiDetails(t, step)
    t.alike(details, [], 'no api violation')
    t.alike(sim.featureCounts[step.feature], { runs: 1, real: 1 }, 'the oracle ran')
    t.alike(await sim.close(), [], 'nothing else broke')
  })
  test(`features: ${name}: a planted bug is caught`, async (t) => {
    const planted = BUGS[name] as typeof BUGS[string]
    const { details } = await apiDetails(t, step, planted.bug)
    t.ok(details.some((d) => planted.says.test(d)), `caught: ${details.join(' | ')}`)
  })
}

test('features: close: a store session left open is closed by the root\'s close, or the close audit says so', async (t) => {
  const step: ApiStep = { kind: 'api', peer: 1, feature: 'close', arg: 1 }
  const clean = await apiDetails(t, step)
  t.alike(clean.sim.featureCounts.close, { runs: 1, real: 1 }, 'the step ran')
  t.alike(await clean.sim.close(), [], 'our root closes it')
  const restore = rootCloseSkipsSessions.apply()
  t.teardown(restore)
  const buggy = await apiDetails(t, step)
  const found = (await buggy.sim.close()).filter((v) => v.invariant === 'left-open').map((v) => v.detail)
  restore()
  t.ok(found.some((d) => /^1 session\(s\) not closed/.test(d)), `caught: ${found.join(' | ')}`)
})

test('features: close: sessions left open and a close with links up break no check of a whole run', async (t) => {
  const base = generateScenario({ seed: 21, peers: 2, cores: 2, steps: 10, durationMs: 10_000, faults: [], features: [] })
  const extra: ApiStep[] = [{ kind: 'api', peer: 0, feature: 'close', arg: 1 }, { kind: 'api', peer: 1, feature: 'close', arg: 2 }]
  const run = await runGivenScenario({ ...base, steps: [...base.steps, ...extra] }, { cooldownMs: 10_000, healTimeoutMs: 20_000 })
  t.alike(run.violations, [], 'gc liveness counts a session left open as live; the restart checks out')
  t.alike(run.features.close, { runs: 2, real: 2 })
})

// Peer 0 owns c0 (3 blocks, closed by GC); peers 1 and 2 never opened it.
const SERVE_BUGS: Array<[string, (() => Restore) | undefined]> = [
  ['none', undefined],
  ['attach-skips-stored', attachSkipsStored.apply],
  ['shared-stream-close-unpairs-all', sharedStreamCloseUnpairsAll.apply]
]
for (const [name, bug] of SERVE_BUGS) {
  test(`features: serve: a stored core is served over a caller's stream two stores share (bug: ${name})`, async (t) => {
    const sim = await createSim(t, { seed: 7, peers: 3, cores: 4 })
    await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 3 })
    await sim.apply({ kind: 'advance', ms: 20_000 })
    const restore = bug?.()
    try {
      await sim.apply({ kind: 'api', peer: 0, feature: 'serve', core: 0, arg: 0 })
    } finally {
      restore?.()
    }
    const details = sim.violations.filter((v) => v.invariant === 'api').map((v) => v.detail)
    t.alike(sim.featureCounts.serve, { runs: 1, real: 1 }, 'the oracle ran')
    if (bug === undefined) t.alike(details, [], 'no api violation')
    else t.ok(details.some((d) => /^serve: peer 1's read of block 0 of c0 from peer 0, which stores it \(not open\), .* was still waiting after \d+ ms/.test(d)), `caught: ${details.join(' | ')}`)
  })
}

test('features: list: audit() reports a block the store wrote wrong', async (t) => {
  // The damage a store bug would leave (a block that is not the one its tree hashes),
  // written straight to peer 0's storage; the disk never failed, so audit runs.
  const sim = await createSim(t, { seed: 7, peers: 2, cores: 4 })
  await sim.apply({ kind: 'append', peer: 0, core: 0, blocks: 3 })
  const p0 = sim.peers[0] as NonNullable<typeof sim.peers[0]>
  const session = p0.tempSession(sim.catalog.get(0))
  await sim.drive((async () => {
    await session.ready()
    const tx = (session.core as unknown as { state: { storage: { write (): { putBlock (i: number, b: Buffer): void, flush (): Promise<void> } } } }).state.storage.write()
    tx.putBlock(1, Buffer.from('not the block'))
    await tx.flush()
    await session.close()
  })())
  await sim.apply({ kind: 'api', peer: 0, feature: 'list', arg: 1 })
  const details = sim.violations.filter((v) => v.invariant === 'api').map((v) => v.detail)
  t.ok(details.some((d) => /^list: audit\(\) of a peer without disk faults reports damage: c0: corrupt false, dropped 0 tree nodes, 1 blocks/.test(d)), `caught: ${details.join(' | ')}`)
})

test('features: api steps are inserted without moving the base steps or faults', async (t) => {
  const without = generateScenario({ seed: 11, features: [] })
  const all: FeatureName[] = [...FEATURE_NAMES]
  const withAll = generateScenario({ seed: 11, features: all })
  t.is(without.steps.filter((s) => s.kind === 'api').length, 0)
  t.alike(withAll.steps.filter((s) => s.kind !== 'api'), without.steps, 'same base steps, same order')
  t.alike(withAll.faultProfile, without.faultProfile)
  const kinds = new Set(withAll.steps.flatMap((s) => s.kind === 'api' ? [s.feature] : []))
  t.alike([...kinds].sort(), [...all].sort(), 'every forced feature has steps')
  const drawn = generateScenario({ seed: 11 })
  t.alike(drawn.steps.filter((s) => s.kind !== 'api'), without.steps, 'drawn features too')
  t.alike(generateScenario({ seed: 11 }), drawn, 'deterministic')
  t.exception.all(() => generateScenario({ seed: 11, features: ['nope'] }), /unknown feature nope/)
})

test('features: the shrinker removes api steps with their peer or core, and has nothing simpler', async (t) => {
  const s = generateScenario({ seed: 12, peers: 3, cores: 3, steps: 40, features: ['sessions', 'namespace'] })
  const api = s.steps.filter((x): x is ApiStep => x.kind === 'api')
  t.ok(api.length >= 2)
  const cut = restrictScenario(s, (p) => p !== 0, () => true)
  t.ok(cut !== null)
  const left = (cut as NonNullable<typeof cut>).steps.filter((x): x is ApiStep => x.kind === 'api')
  t.is(left.length, api.filter((x) => x.peer !== 0 && (x.core === undefined || s.cores[x.core]?.owner !== 0)).length, 'api steps of the removed peer (or of its cores) are gone')
  t.alike(simplerSteps(api[0] as ApiStep), [])
})

test('features: a run with a planted bug fails on its api step, and shrinks to it', async (t) => {
  const scenario = generateScenario({ seed: 21, peers: 3, cores: 2, steps: 20, durationMs: 20_000, faults: [], features: ['closed'] })
  const settings = { cooldownMs: 10_000, healTimeoutMs: 20_000, stopOnInvariant: 'api' as const, stopOnCheck: 'closed' }
  const restore = closedStoreErrorIsBadArgument.apply()
  t.teardown(restore)
  const run = async (s: Scenario): Promise<RunResult> => await runGivenScenario(s, settings)
  const first = await run(scenario)
  const failure = failureOf(first.violations)
  t.is(failure?.invariant, 'api')
  t.is(failure?.check, 'closed', 'the failure names the feature')
  const out = await shrinkScenario(scenario, {
    failure: failure as NonNullable<typeof failure>,
    run,
    stepEndsMs: first.stepResults.map((r) => r.atMs),
    parallel: 1,
    budgetMs: 60_000
  })
  const kinds = out.value.steps.map((s) => s.kind).filter((k) => k !== 'advance')
  t.alike(kinds, ['api'], `shrunk to its api step (${out.value.steps.length} steps, ${out.value.peers} peers)`)
  restore()
  const clean = await runGivenScenario(out.value, { cooldownMs: 10_000, healTimeoutMs: 20_000 })
  t.alike(clean.violations, [], 'and passes without the bug')
  t.alike(clean.features, { closed: { runs: 1, real: 1 } })
})

test('features: --features fixes them on run and fuzz; a bad name is a usage error', (t) => {
  t.alike(parseRunArgs(['--seed', '1', '--features', 'namespace,watch'])?.features, ['namespace', 'watch'])
  t.alike(parseRunArgs(['--seed', '1', '--features', 'none'])?.features, [])
  t.is(parseRunArgs(['--seed', '1'])?.features, undefined, 'drawn by default')
  t.alike(parseFuzzArgs(['--features', 'closed'])?.scenario.features, ['closed'])
  t.exception.all(() => parseRunArgs(['--features', 'nope']), /unknown feature nope \(features: namespace, /)
  t.ok(replayCommand({ seed: 1, peers: 2, cores: 1, steps: 3, durationMs: 10, store: 'project', features: ['keys'] }).includes(' --features keys '), 'the replay line keeps them')
})
