import type { Prng } from '../../random/prng'
import type { Clock } from '../../clock/virtual-clock'
import type { CoreCatalog } from '../../peers/catalog'
import type { Peer } from '../../peers/peer'
import type { InvariantName } from '../../checks/invariants'
import type { LinksUpClose } from '../../peers/lifecycle'
import type { ApiStep, Feature, FeatureContext, FeatureOutput, FeaturePlan } from './feature'
import { FEATURE_NAMES, OPT_IN_FEATURES, isFeatureName, type FeatureName } from './names'
import { namespaceFeature } from './namespace'
import { sessionsFeature } from './sessions'
import { closedFeature } from './closed'
import { keysFeature } from './keys'
import { listFeature } from './list'
import { getOptionsFeature } from './get-options'
import { watchFeature } from './watch'
import { suspendFeature } from './suspend'
import { findingPeersFeature } from './finding-peers'
import { groupsFeature } from './groups'
import { closeFeature } from './close'
import { serveFeature } from './serve'

/** Every feature, by name: the one table a new feature is registered in. */
export const FEATURES: Readonly<Record<FeatureName, Feature>> = Object.freeze({
  namespace: namespaceFeature,
  sessions: sessionsFeature,
  closed: closedFeature,
  keys: keysFeature,
  list: listFeature,
  'get-options': getOptionsFeature,
  watch: watchFeature,
  suspend: suspendFeature,
  'finding-peers': findingPeersFeature,
  groups: groupsFeature,
  close: closeFeature,
  serve: serveFeature
})

/** The features of a run and the share of steps each adds. */
export interface FeatureProfile {
  /** Whether the features were drawn from the seed (true) or given. */
  drawn: boolean
  /** Steps of each feature added per base step, in [0, 1]; absent features are off. */
  rates: Partial<Record<FeatureName, number>>
}

/**
 * Draws which features a run uses (swarm testing: each about half the time) and how
 * many steps each adds: 1 to 3 per 100 base steps. `given` forces the set (rates are
 * still drawn). From its own generator, so no other draw of the scenario moves.
 */
export function drawFeatureProfile (prng: Prng, given?: readonly string[]): FeatureProfile {
  if (given !== undefined) for (const name of given) if (!isFeatureName(name)) throw new RangeError(`unknown feature ${name} (features: ${FEATURE_NAMES.join(', ')})`)
  const rates: Partial<Record<FeatureName, number>> = {}
  for (const name of FEATURE_NAMES) {
    const on = prng.chance(0.5)
    const rate = prng.int(1, 3) / 100
    // An opt-in feature still draws its coin and rate, so the others draw as they did.
    if (given === undefined ? on && OPT_IN_FEATURES[name] === undefined : given.includes(name)) rates[name] = rate
  }
  return { drawn: given === undefined, rates }
}

/**
 * The steps with `api` steps of the profile's features inserted at drawn places: the
 * base steps keep their order and content, so a seed's store steps and faults are the
 * same with or without features.
 */
export function insertFeatureSteps<S> (prng: Prng, steps: readonly S[], profile: FeatureProfile, plan: FeaturePlan): Array<S | ApiStep> {
  const added: Array<{ at: number, step: ApiStep }> = []
  for (const name of FEATURE_NAMES) {
    const rate = profile.rates[name]
    if (rate === undefined) continue
    const count = Math.max(1, Math.round(steps.length * rate))
    for (let i = 0; i < count; i++) added.push({ at: prng.int(0, steps.length), step: FEATURES[name].draw(prng, plan) })
  }
  // Stable: api steps at one place keep their draw order.
  added.sort((x, y) => x.at - y.at)
  const out: Array<S | ApiStep> = []
  let next = 0
  steps.forEach((step, i) => {
    while (next < added.length && (added[next] as { at: number }).at === i) out.push((added[next++] as { step: ApiStep }).step)
    out.push(step)
  })
  while (next < added.length) out.push((added[next++] as { step: ApiStep }).step)
  return out
}

/** Api steps run per feature, and how many of them did real work (their oracle was evaluated). */
export type FeatureCounts = Partial<Record<FeatureName, { runs: number, real: number }>>

/** What an api step needs of the simulation (the executor's StepContext has it). */
export interface ApiHost {
  readonly peers: readonly Peer[]
  readonly catalog: CoreCatalog
  readonly clock: Clock
  readonly stepTimeoutMs: number
  readonly disks: { get (peer: number): { readonly perfect: boolean, rotting: boolean, stats: { failedWrites: number, failedReads: number, corruptReads: number } } }
  violate (invariant: InvariantName, detail: string, peer: number, core?: number): void
  passed (n: number): void
  /** Api steps run and with real work, per feature. */
  readonly featureCounts: FeatureCounts
  readonly network: { linksOf (i: number): ReadonlyArray<{ a: number, b: number, faultedFrom (p: number): boolean, dropped (p: number): number }> }
  closePeerLinksUp (peer: number): Promise<LinksUpClose>
  restartPeer (peer: number): Promise<unknown>
}

/**
 * Runs an api step on its peer (PEER_DOWN when down) and counts it. An error of the
 * store (a disk fault, a crash) ends the step with its code: no oracle ran. A step
 * whose peer restarted under it (PEER_RESTARTED) reports nothing.
 */
export async function runApiStep (host: ApiHost, step: ApiStep, errorCode: (err: unknown) => string): Promise<FeatureOutput> {
  const count = host.featureCounts[step.feature] ?? (host.featureCounts[step.feature] = { runs: 0, real: 0 })
  count.runs++
  const peer = host.peers[step.peer] as Peer
  if (!peer.up) return { real: false, ok: false, code: 'PEER_DOWN' }
  const disk = host.disks.get(step.peer)
  const stats = disk.stats
  // A disk fault lifting restarts its peer from a timer, maybe in the middle of the step:
  // what the step saw then is the restart's doing, so its findings wait for the end.
  const store = peer.store
  const found: Array<[string, number | undefined]> = []
  let held = 0
  const ctx: FeatureContext = {
    peer,
    peers: host.peers,
    catalog: host.catalog,
    clock: host.clock,
    stepTimeoutMs: host.stepTimeoutMs,
    // Bit rot counts once armed: the feature's own reads (an audit) may be the ones it flips.
    diskFaulted: () => stats.failedWrites + stats.failedReads > 0 ||
      stats.corruptReads > 0 || disk.rotting,
    diskPerfect: disk.perfect,
    violate: (detail, core) => { found.push([detail, core]) },
    passed: (n) => { held += n },
    linksFaulted: () => host.network.linksOf(step.peer).some((l) => l.faultedFrom(l.a) || l.faultedFrom(l.b) || l.dropped(l.a) + l.dropped(l.b) > 0),
    closeLinksUp: async () => await host.closePeerLinksUp(step.peer),
    restart: async () => { await host.restartPeer(step.peer) }
  }
  let out: FeatureOutput
  try {
    out = await FEATURES[step.feature].run(ctx, step)
  } catch (err) {
    out = { real: false, ok: false, code: errorCode(err) }
  }
  const restarts = FEATURES[step.feature].restarts?.(step) === true
  if (!restarts && (peer.store !== store || !peer.up)) return { real: false, ok: false, code: 'PEER_RESTARTED' }
  host.passed(held)
  for (const [detail, core] of found) host.violate('api', detail, step.peer, core)
  if (out.real) count.real++
  return out
}

export { FEATURE_NAMES, isFeatureName, type FeatureName } from './names'
export type { ApiStep, Feature, FeatureContext, FeatureOutput, FeaturePlan } from './feature'
