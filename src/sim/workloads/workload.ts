import type { StoreLike } from '../peers/store-factory'

/** A plain JSON value: what operation arguments and results are (steps and traces store them). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

/** The seeded draws an argument generator gets (the simulator's `Prng`, forked for the workload). */
export interface WorkloadRandom {
  /** An integer in [min, max], both included. */
  int (min: number, max: number): number
  /** A float in [0, 1). */
  float (): number
  /** True with probability `p`. */
  chance (p: number): boolean
  /** One element of a non-empty array. */
  pick<T> (items: readonly T[]): T
}

/** A simulated peer as a workload sees it during `setup`. */
export interface WorkloadPeer {
  /** Index of the peer in the simulation. */
  readonly index: number
  /** The peer's running store (ours or upstream's): everything the app does goes through it. */
  readonly store: StoreLike
}

/** A peer with the app its `setup` returned. */
export interface AppPeer<App> extends WorkloadPeer {
  readonly app: App
  /**
   * In `teardown`: true when the peer crashed (its database is already gone; the app is
   * closed only to release its timers), false on a clean close. An app whose state on
   * disk may be torn by a crash can remember that for its checks.
   */
  readonly crashed?: boolean
  /**
   * In `teardown`: true when the peer's disk refused a write while the app ran (then it
   * refuses every write until the peer restarts): the app's files are left as a crash at
   * that write would leave them.
   */
  readonly writesRefused?: boolean
}

/**
 * What every part of a workload gets: the shared model, the peers it runs on, and the
 * apps that are running now. `state` is the test's own knowledge (what was acknowledged,
 * what was observed), not any peer's memory: it survives crashes. Keep what a process
 * would lose in the app that `setup` returns.
 */
export interface WorkloadContext<State, App> {
  /** What `init()` returned. */
  readonly state: State
  /** Peers the workload runs on, in order (`Workload.peers`). */
  readonly peers: readonly number[]
  /** Virtual timeout for one network wait of an operation, in ms: pass it to every wait that needs the network. */
  readonly timeoutMs: number
  /** The app of a peer, or null while it is down (crashed, closed, or its setup failed). */
  app (peer: number): App | null
  /** Records a line of kind `workload` in the trace (plain JSON fields). */
  record (fields: Record<string, JsonValue>): void
  /**
   * In an operation's context: true once the simulator dropped the operation's app (a
   * crash, a close or a restart of its peer). An app closed under a pending write may
   * still resolve it, reporting the closed app's state (Hyperbee's version drops to 1):
   * nothing the operation learns after that may update the model. Always false outside
   * operations.
   */
  readonly abandoned: boolean
  /**
   * In an operation's context: says the operation did no work (e.g. a write on a peer
   * that is not a writer yet), with a short reason. The step still resolves, but the
   * summary counts it under `skipped` by reason, not as done. Call it before returning;
   * outside operations it throws.
   */
  skip (reason: string): void
}

/** One operation of a workload. */
export interface Operation<State, App, Args extends JsonValue = JsonValue> {
  /** Relative frequency among the workload's operations; positive. */
  weight: number
  /**
   * True if what it returns depends on how far replication had got when it ran (a read
   * of another peer's writes; an append that needs a writer added over the network).
   * Two stores time replication differently, so a differential test compares the results
   * of the other operations only. Default false.
   */
  replicated?: boolean
  /** Peers that may run it, from the workload's peers. Default: all of them. */
  peers? (peers: readonly number[]): readonly number[]
  /**
   * Draws its arguments when the scenario is generated, before the run (so the run's
   * state is unknown then): `peers` are the workload's peers.
   */
  args (random: WorkloadRandom, peers: readonly number[]): Args
  /**
   * Runs it on a peer's app and returns what it observed (plain JSON). A rejection is a
   * failed operation (its `code` is recorded, e.g. under a partition); a synchronous
   * throw is a broken workload. Must end by itself: bound every network wait by `ctx.timeoutMs`.
   */
  run (peer: AppPeer<App>, args: Args, ctx: WorkloadContext<State, App>): Promise<JsonValue | undefined | void>
}

/** A check of the app: a message when it does not hold, nothing when it does. It must not throw. */
export type Invariant<State, App> = (ctx: WorkloadContext<State, App>) => string | readonly string[] | null | undefined | void

/**
 * An application on the simulator (FoundationDB-style: setup, run, check). The
 * simulator runs `setup` on each peer, mixes `operations` with its own steps and faults,
 * checks `invariants` after every step and `check` once at quiescence after the heal.
 * A crash drops the peer's app; when the peer restarts, `setup` reopens it from disk.
 *
 * ```ts
 * const log: Workload<{ key: Buffer | null }, Hypercore> = {
 *   name: 'log',
 *   init: () => ({ key: null }),
 *   async setup (peer, ctx) { ... return core },
 *   teardown: (peer) => peer.app.close(),
 *   operations: { append: { weight: 1, args: (r) => r.int(1, 4), run: async (peer, n) => ... } },
 *   invariants: { 'reads match writes': (ctx) => ... }
 * }
 * ```
 */
export interface Workload<State = unknown, App = unknown> {
  /** Short name (traces, summaries, error messages). */
  readonly name: string
  /** Peers the app runs on, given the simulation's peer count. Default: all, in order. */
  peers? (count: number): readonly number[]
  /**
   * Virtual time one `setup` may take, in ms (the first setups, and each one after a
   * restart or an app's stop). Default: the step timeout (10,000). `--setup-timeout`
   * overrides it.
   */
  readonly setupTimeoutMs?: number
  /**
   * Virtual time the final `check` may take after the heal, in ms. Default: the heal
   * timeout (120,000). `--check-timeout` overrides it.
   */
  readonly checkTimeoutMs?: number
  /** Makes the shared model, once per run, before any setup. Default: `{}`. */
  init? (): State
  /**
   * Opens the app on one peer, at start (peers in order: the first can make what the
   * others open by key) and after every restart. Must resolve within the step timeout.
   */
  setup (peer: WorkloadPeer, ctx: WorkloadContext<State, App>): Promise<App>
  /**
   * Closes the app, before its store closes (clean close, restart, end of run), or after a
   * crash killed its database (`peer.crashed`). Default: nothing to close.
   */
  teardown? (peer: AppPeer<App>, ctx: WorkloadContext<State, App>): Promise<void>
  /**
   * Whether an app stopped itself (Autobase closes itself when its storage fails, and
   * crashes the process unless someone listens for its `error`). After the heal, the
   * simulator closes and sets up again every app that stopped, as an app's supervisor
   * would. Default: apps never stop on their own.
   */
  stopped? (app: App): boolean
  /** Operations, by name (names are the `op` of steps). At least one. */
  readonly operations: Readonly<Record<string, Operation<State, App, any>>> // eslint-disable-line @typescript-eslint/no-explicit-any -- each operation has its own Args type; `any` lets a record hold them all
  /** Checked after every step, by name. */
  readonly invariants?: Readonly<Record<string, Invariant<State, App>>>
  /**
   * The final check, at quiescence after the heal (every fault lifted, every peer up):
   * wait for the app to converge (bounded by the heal timeout the simulator drives it
   * with) and return what does not hold.
   */
  check? (ctx: WorkloadContext<State, App>): Promise<string | readonly string[] | null | undefined | void>
}

/** A workload whose types are erased, as the simulator holds it. */
export type AnyWorkload = Workload<any, any> // eslint-disable-line @typescript-eslint/no-explicit-any -- the simulator never looks inside State or App

/** A workload that is broken (not a violation of the app's invariants): the run stops, exit code 2. */
export class WorkloadError extends Error {
  /**
   * `WORKLOAD_INVALID` (not a workload), `WORKLOAD_NOT_FOUND`, `WORKLOAD_MISSING_PACKAGE`
   * (a package it or a module it requires is not installed), `WORKLOAD_BROKEN` (threw or
   * hung where it must not) or `WORKLOAD_CHANGED` (not the workload a replay file ran).
   */
  readonly code: string
  /** The workload's name (or the module path when it has none). */
  readonly workload: string

  constructor (code: string, workload: string, message: string) {
    super(`workload ${workload}: ${message}`)
    this.name = 'WorkloadError'
    this.code = code
    this.workload = workload
  }
}

/** The first line of an error's message, for one-line reports. */
export function oneLine (err: unknown): string {
  const text = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err)
  return text.split('\n')[0] as string
}

/**
 * Checks that `value` is a workload (every field the simulator calls) and returns it;
 * throws a `WorkloadError` (WORKLOAD_INVALID) naming what is wrong and where it came from.
 */
export function checkWorkload (value: unknown, source: string): AnyWorkload {
  const bad = (why: string): never => { throw new WorkloadError('WORKLOAD_INVALID', source, `${why} (expected { name, setup, operations }, see corestore-ts/sim Workload)`) }
  if (typeof value !== 'object' || value === null) bad('does not export a workload')
  const w = value as Record<string, unknown>
  if (w.name === undefined && w.setup === undefined && w.operations === undefined) bad('does not export a workload')
  if (typeof w.name !== 'string' || w.name.length === 0) bad('has no name')
  const name = w.name as string
  if (typeof w.setup !== 'function') bad(`${name} has no setup function`)
  for (const fn of ['peers', 'init', 'teardown', 'stopped', 'check'] as const) {
    if (w[fn] !== undefined && typeof w[fn] !== 'function') bad(`${name}: ${fn} must be a function`)
  }
  for (const limit of ['setupTimeoutMs', 'checkTimeoutMs'] as const) {
    const ms = w[limit]
    if (ms !== undefined && (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 1)) bad(`${name}: ${limit} must be a positive integer (virtual ms), got ${JSON.stringify(ms)}`)
  }
  const ops = w.operations
  if (typeof ops !== 'object' || ops === null || Object.keys(ops).length === 0) bad(`${name} has no operations`)
  for (const [op, spec] of Object.entries(ops as Record<string, unknown>)) {
    const o = spec as Record<string, unknown> | null
    if (typeof o !== 'object' || o === null) bad(`${name}: operation ${op} is not an object`)
    const { weight } = o as Record<string, unknown>
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) bad(`${name}: operation ${op} needs a positive weight`)
    for (const fn of ['args', 'run'] as const) if (typeof (o as Record<string, unknown>)[fn] !== 'function') bad(`${name}: operation ${op} has no ${fn} function`)
    const replicated = (o as Record<string, unknown>).replicated
    if (replicated !== undefined && typeof replicated !== 'boolean') bad(`${name}: operation ${op}: replicated must be a boolean`)
    const peers = (o as Record<string, unknown>).peers
    if (peers !== undefined && typeof peers !== 'function') bad(`${name}: operation ${op}: peers must be a function`)
  }
  const invariants = w.invariants
  if (invariants !== undefined) {
    if (typeof invariants !== 'object' || invariants === null) bad(`${name}: invariants must be an object of functions`)
    for (const [inv, fn] of Object.entries(invariants as Record<string, unknown>)) {
      if (typeof fn !== 'function') bad(`${name}: invariant ${inv} is not a function`)
    }
  }
  return value as AnyWorkload
}
