import type Hypercore = require('hypercore')
import type { CatalogEntry, CoreCatalog, CoreSpec } from '../../peers/catalog'
import type { Peer } from '../../peers/peer'
import type { Clock } from '../../clock/virtual-clock'
import type { Prng } from '../../random/prng'
import type { ApiStep, FeatureName } from './names'
import type { LinksUpClose } from '../../peers/lifecycle'

export type { ApiStep } from './names'


/** What a feature may look at when it draws a step. */
export interface FeaturePlan {
  peers: number
  cores: readonly CoreSpec[]
  readers: readonly number[][]
}

/** What a feature's run sees of the simulation. */
export interface FeatureContext {
  readonly peer: Peer
  /** Every peer of the simulation (a feature may use another running one). */
  readonly peers: readonly Peer[]
  readonly catalog: CoreCatalog
  readonly clock: Clock
  /** Virtual timeout of one network-bound operation, in ms. */
  readonly stepTimeoutMs: number
  /** True when the peer's disk failed an operation since the step began or earlier (its data may be damaged by design). */
  diskFaulted (): boolean
  /** True when the peer's disk serves every operation at once (no latency, no stalls). */
  readonly diskPerfect: boolean
  /** Records a broken oracle condition (invariant `api`). */
  violate (detail: string, core?: number): void
  /** Counts oracle conditions that held. */
  passed (n: number): void
  /** True when a link of the peer has (or had) a one-way fault: a channel on it may never finish opening. */
  linksFaulted (): boolean
  /** Closes the peer cleanly with its links up, then cuts them (only a feature with `restarts` may). */
  closeLinksUp (): Promise<LinksUpClose>
  /** Reopens the peer after `closeLinksUp()`: reconnects it and checks durability. */
  restart (): Promise<void>
}

/** What a feature's run did: `real` when its oracle was evaluated (the call did what it is for). */
export interface FeatureOutput {
  real: boolean
  ok: boolean
  code?: string
  value?: number
}

/** One store API feature: how a step of it is drawn, run and checked. */
export interface Feature {
  readonly name: FeatureName
  /** Draws one step (its peer, core and arg) from `prng` only. */
  draw (prng: Prng, plan: FeaturePlan): ApiStep
  /** True when a step may close and restart its peer (by `arg`): its findings stand though the store is a new one. */
  readonly restarts?: (step: ApiStep) => boolean
  /** Runs the step on the peer's running store and checks the oracle. Everything it opens it closes before returning. */
  run (ctx: FeatureContext, step: ApiStep): Promise<FeatureOutput>
}

/** A peer that holds core `c` in the plan (its owner or a reader), drawn. */
export function drawHolder (prng: Prng, plan: FeaturePlan, c: number): number {
  return prng.pick([(plan.cores[c] as CoreSpec).owner, ...(plan.readers[c] ?? [])])
}

/** An api step of `feature` on a core drawn from the plan, run by its owner or by a drawn holder of it. */
export function drawOnCore (prng: Prng, plan: FeaturePlan, feature: ApiStep['feature'], on: 'owner' | 'holder'): ApiStep {
  const core = prng.int(0, plan.cores.length - 1)
  const peer = on === 'owner' ? (plan.cores[core] as CoreSpec).owner : drawHolder(prng, plan, core)
  return { kind: 'api', peer, feature, core, arg: 0 }
}

/** The catalog entry of a step's core; throws when the step has none. */
export function entryOf (ctx: FeatureContext, step: ApiStep): CatalogEntry {
  if (step.core === undefined) throw new RangeError(`api ${step.feature}: needs a core`)
  return ctx.catalog.get(step.core)
}

/** Equal buffers (null or undefined equal only each other). */
export function sameBytes (a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return a === b
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}

/** A short hex prefix of a key, for details. */
export function hex (key: Uint8Array | null | undefined): string {
  return key === null || key === undefined ? 'null' : Buffer.from(key).toString('hex').slice(0, 12)
}

/** hypercore's audit counts (Core.audit), as `audit()` yields them. */
export interface AuditStats {
  droppedTreeNodes: number
  droppedBlocks: number
  droppedBits: number
  corrupt: boolean
}

/**
 * The corestore 7 API the features call, beyond what the simulator's StoreLike needs.
 * Our store and upstream both have it.
 */
export interface ApiStore {
  readonly closed: boolean
  readonly ns: Buffer
  ready (): Promise<void>
  close (): Promise<void>
  get (opts: Record<string, unknown>): Hypercore
  session (opts?: Record<string, unknown>): ApiStore
  namespace (name: string, opts?: Record<string, unknown>): ApiStore
  replicate (isInitiator: boolean): { destroy (): void }
  createKeyPair (name: string, ns?: Uint8Array): Promise<{ publicKey: Buffer }>
  list (namespace?: Buffer): AsyncIterable<Buffer>
  audit (opts?: { dryRun?: boolean }): AsyncIterable<{ discoveryKey: Buffer, audit: AuditStats }>
  watch (fn: (core: unknown) => void): void
  unwatch (fn: (core: unknown) => void): void
  suspend (): Promise<void>
  resume (): Promise<void>
  findingPeers (): () => void
}

/** The peer's running store with the whole API (throws if the peer is down). */
export function apiStore (ctx: FeatureContext): ApiStore {
  return ctx.peer.requireStore() as unknown as ApiStore
}

/** Closes sessions and store sessions, ignoring errors (a failed open's close rethrows it). */
export async function closeAll (things: ReadonlyArray<{ close (): Promise<unknown> } | null>): Promise<void> {
  await Promise.all(things.map(async (t) => { await t?.close().catch(noop) }))
}

/** Resolves with what `reading` gave (a store call with no timeout of its own), or 'waited' after `ms` of virtual time. */
export async function within<T> (ctx: FeatureContext, reading: Promise<T>, ms: number): Promise<T | 'waited'> {
  let timer: ReturnType<FeatureContext['clock']['setTimeout']> | null = null
  const guard = new Promise<'waited'>((resolve) => { timer = ctx.clock.setTimeout(() => resolve('waited'), ms) })
  try {
    return await Promise.race([reading, guard])
  } finally {
    if (timer !== null) ctx.clock.clearTimeout(timer)
  }
}

function noop (): void {}
