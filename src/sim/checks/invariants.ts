import { blockContent, type CoreCatalog } from '../peers/catalog'
import { diskErrorCode } from '../disk/disk-error'
import type { Peer } from '../peers/peer'
import type { Outcome } from '../clock/scheduler'
import type { StoreLike } from '../peers/store-factory'

/** Names of the invariants the simulator checks. */
export type InvariantName =
  | 'session-count'
  | 'core-closed-under-session'
  | 'acknowledged-append-lost'
  | 'torn-append'
  | 'wrong-block'
  | 'convergence'
  | 'left-open'
  | 'uncaught-error'
  | 'step-stuck'
  | 'gc-race'
  | 'append-error'
  | 'gc-liveness'
  /** GC closed a core earlier or later than its strikes allow (see GcTiming). */
  | 'gc-timing'
  | 'one-core-per-key'
  | 'open-after-close'
  /** `audit()` missed bit rot on the peer's own disk (see checks/rot-audit). */
  | 'rot-unreported'
  /** After a power loss, a core's tree, blocks and bitfield disagree (`audit()` would drop some). */
  | 'torn-state'
  /** A store API call broke its feature's oracle (detail: `feature: ...`; see scenario/features). */
  | 'api'
  /** One of the workload's own invariants or its final check (detail: `workload.invariant: ...`). */
  | 'workload'

/** A broken invariant. */
export interface Violation {
  invariant: InvariantName
  /** Virtual time, ms since the run started. */
  atMs: number
  /** Index of the step during or after which it was found; null outside steps. */
  step: number | null
  peer?: number
  core?: number
  detail: string
}

/**
 * For a `workload` violation, which of the app's checks it is; for an `api` one, which
 * feature's oracle (its detail up to the first `: `, numbers as `N`): one invariant to
 * the simulator, but a different check failing is a different failure. Undefined for
 * other invariants.
 */
export function checkOf (v: Violation): string | undefined {
  if (v.invariant !== 'workload' && v.invariant !== 'api') return undefined
  const end = v.detail.indexOf(': ')
  return (end === -1 ? v.detail : v.detail.slice(0, end)).replace(/\d+/g, 'N')
}

/** What a check looked at and found. */
export interface CheckResult {
  /** Individual conditions evaluated. */
  checked: number
  violations: Violation[]
}

/** Where a check runs. */
export interface CheckContext {
  peers: readonly Peer[]
  catalog: CoreCatalog
  atMs: number
  step: number | null
}

/** Drives a promise to completion on the virtual clock (Scheduler.run bound to a timeout). */
export type Drive = <T>(promise: Promise<T>) => Promise<Outcome<T>>

/**
 * The sessions a store's own tracker lists, counted per core (hex discovery key).
 * Stores key their trackers differently (ours by discovery key, upstream by the core's
 * z32 id, or by null for a named core still loading), so this asks for the full list
 * and groups it by each session's own discovery key.
 */
export function trackedSessionCounts (store: StoreLike): Map<string, number> {
  const counts = new Map<string, number>()
  for (const session of store.sessions.list() as Array<{ discoveryKey?: Buffer | null }>) {
    const id = session.discoveryKey?.toString('hex') ?? 'unknown'
    counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}

/**
 * Session accounting, on every running peer and core: the store's tracker and the core
 * itself (hypercore's count of non-weak sessions) both have exactly the sessions the
 * model says the simulator holds open, and every one of them is open on an open core
 * that the store still tracks (no core closed under a live session).
 */
export function checkSessions (ctx: CheckContext): CheckResult {
  const out: CheckResult = { checked: 0, violations: [] }
  const found = (invariant: InvariantName, peer: number, core: number, detail: string): void => {
    out.violations.push({ invariant, atMs: ctx.atMs, step: ctx.step, peer, core, detail })
  }
  for (const peer of ctx.peers) {
    const store = peer.store
    if (store === null || !peer.up) continue
    const counts = trackedSessionCounts(store)
    for (const entry of ctx.catalog.entries) {
      if (peer.conflicted.has(entry.index)) continue
      const modelled = peer.sessions.get(entry.index) ?? []
      const temps = peer.openTempSessions(entry.index)
      const model = `model ${modelled.length}${temps.tracked > 0 ? ` + ${temps.tracked} temporary (${temps.opened} opened)` : ''}`
      const actual = counts.get(entry.id) ?? 0
      out.checked++
      if (actual !== modelled.length + temps.tracked) {
        found('session-count', peer.index, entry.index, `store tracks ${actual} sessions, ${model}`)
      }
      const tracked = store.cores.get(entry.id)
      if (tracked !== null) {
        out.checked++
        if (tracked.activeSessions !== modelled.length + temps.opened) {
          found('session-count', peer.index, entry.index, `core has ${tracked.activeSessions} active sessions, ${model}`)
        }
      }
      if (modelled.length === 0) continue
      out.checked++
      for (const session of modelled) {
        const core = session.core
        if (session.closed || core === null || core.closed || core.closing !== null || tracked !== core) {
          found('core-closed-under-session', peer.index, entry.index,
            `session closed=${session.closed}, core ${core === null ? 'missing' : `closed=${core.closed} closing=${core.closing !== null}`}, tracked=${tracked === core}`)
          break
        }
      }
    }
  }
  return out
}

/**
 * Durability after a restart, on every core the peer appended to: the guarantee a real
 * SIGKILL gives (docs/ARCHITECTURE.md, Peer). With `acked` the acknowledged length and
 * `inflight` the batches whose append was in flight at the crash:
 * - the length is `acked` plus zero or more whole in-flight batches, in order: never
 *   less (`acknowledged-append-lost`), never part of a batch or more (`torn-append`);
 * - the last acknowledged block and every block beyond it read back exact, and
 *   contiguousLength equals the length (`wrong-block`);
 * - the core opens under the key it was created with (`acknowledged-append-lost`).
 * What the restart found is on disk, so it becomes the acknowledged length; `inflight`
 * is cleared.
 */
export async function checkDurability (ctx: CheckContext, peer: Peer, drive: Drive, ownRot: (got: Buffer, expected: Buffer) => boolean = () => false): Promise<CheckResult> {
  const out: CheckResult = { checked: 0, violations: [] }
  const lost = (core: number, detail: string, invariant: InvariantName = 'acknowledged-append-lost'): void => {
    out.violations.push({ invariant, atMs: ctx.atMs, step: ctx.step, peer: peer.index, core, detail })
  }
  const cores = [...new Set([...peer.acked.keys(), ...peer.inflight.keys(), ...peer.inDoubt.keys()])].sort((x, y) => x - y)
  for (const core of cores) {
    const acked = peer.acked.get(core) ?? 0
    // Appends that failed by a disk fault come first: each is there whole or not at all.
    const batches = [...peer.inDoubt.get(core) ?? [], ...peer.inflight.get(core) ?? []]
    peer.inflight.delete(core)
    peer.inDoubt.delete(core)
    if ((acked === 0 && batches.length === 0) || !peer.up) continue
    const allowed = [acked]
    for (const blocks of batches) allowed.push((allowed[allowed.length - 1] as number) + blocks)
    // Blocks a power loss took: the writer may get their signed length back from a replica, the blocks only if one has them.
    const gone = peer.lostAcked.get(core)
    if (gone !== undefined) for (let n = gone[0] + 1; n <= gone[1]; n++) if (!allowed.includes(n)) allowed.push(n)
    // The first block missing lies in the lost range (the writer may have appended past it since).
    const hole = (length: number, contiguous: number): boolean => gone !== undefined && contiguous >= gone[0] && contiguous < length && contiguous < gone[1]
    const entry = ctx.catalog.get(core)
    const session = peer.tempSession(entry)
    const from = Math.max(0, acked - 1)
    const read = async (): Promise<{ length: number, contiguous: number, key: Buffer, bad: number }> => {
      await session.ready()
      const to = Math.min(gone === undefined ? session.length : session.contiguousLength, Math.max(...allowed))
      let bad = -1
      for (let i = from; i < to && bad === -1; i++) {
        const block = await session.get(i, { wait: false })
        // The peer's own disk handing back a rotten copy is hypercore trusting its disk (`ownRot`: tolerated, counted).
        if (block === null || (!block.equals(blockContent(entry.name, i)) && !ownRot(block, blockContent(entry.name, i)))) bad = i
      }
      return { length: session.length, contiguous: session.contiguousLength, key: session.key as Buffer, bad }
    }
    const outcome = await drive(read())
    out.checked += 4
    if (outcome.state === 'resolved') {
      const { length, contiguous, key, bad } = outcome.value
      const kept = `${acked} acknowledged${batches.length === 0 ? '' : `, in flight or failed ${batches.join('+')}`}`
      if (length < acked) lost(core, `length ${length} after restart, ${kept}`)
      else if (!allowed.includes(length)) lost(core, `length ${length} after restart, ${kept}: part of an append`, 'torn-append')
      if (bad !== -1) lost(core, `block ${bad} differs after restart`, 'wrong-block')
      if (contiguous !== length && !hole(length, contiguous)) lost(core, `contiguousLength ${contiguous} but length ${length} after restart`, 'wrong-block')
      if (!key.equals(entry.key)) lost(core, 'the core reopened under another key')
      if (length > acked && allowed.includes(length)) peer.ack(core, length)
    } else {
      lost(core, outcome.state === 'pending' ? 'reading it back timed out' : `reading it back failed: ${errorCode(outcome.error)}`)
    }
    await drive(session.close())
  }
  return out
}

/** Leftovers the simulator saw after closing everything. */
export interface Leftovers {
  timers: number
  storageOps: number
  immediates: number
}

/** Nothing left open after close: stores, storages, cores, sessions, timers, storage work. */
export function checkClosed (ctx: CheckContext, left: Leftovers): CheckResult {
  const out: CheckResult = { checked: 0, violations: [] }
  const open = (detail: string, peer?: number): void => {
    out.violations.push({ invariant: 'left-open', atMs: ctx.atMs, step: ctx.step, ...(peer === undefined ? {} : { peer }), detail })
  }
  for (const peer of ctx.peers) {
    out.checked += 3
    const left = [...peer.openStores].filter((s) => !s.closed || (s.storage as { closed?: boolean }).closed === false)
    const why = left.map((s) => peer.closeErrors.get(s)).find((e) => e !== undefined)
    if (left.length > 0) open(`${left.length} store(s) or storage(s) not closed${why === undefined ? '' : ` (its close failed: ${errorCode(why)}: ${(why as Error).message ?? String(why)})`}`, peer.index)
    const cores = [...peer.openCores].filter((c) => !c.closed).length
    if (cores > 0) open(`${cores} core(s) not closed`, peer.index)
    const sessions = [...peer.openSessions].filter((s) => !s.closed).length
    if (sessions > 0) open(`${sessions} session(s) not closed`, peer.index)
  }
  out.checked += 3
  if (left.timers > 0) open(`${left.timers} timer(s) still pending`)
  if (left.storageOps > 0) open(`${left.storageOps} storage operation(s) in flight`)
  if (left.immediates > 0) open(`${left.immediates} immediate(s) pending`)
  return out
}

/** A stable code for an error: its `.code`, else the disk's code in its `cause` chain (see diskErrorCode), else ERROR. */
export function errorCode (err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.length > 0 ? code : diskErrorCode(err) ?? 'ERROR'
}
