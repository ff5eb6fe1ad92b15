import type { SimContext } from '../context'
import type { CheckResult, InvariantName } from './invariants'
import type { Peer, StoreObserver } from '../peers/peer'
import type { SimCore, StoreLike } from '../peers/store-factory'

/** What the liveness checks need of a simulation. */
export type LivenessDeps = Pick<SimContext, 'options' | 'peers' | 'catalog' | 'scheduler' | 'disks' | 'log' | 'step'>

/** Upstream's fixed GC (stores without `gcIntervalMs`/`gcStrikes`): 2 s, 4 strikes. */
const FIXED_GC = { gcIntervalMs: 2000, gcStrikes: 4 }

/**
 * Virtual time for replication to go quiet and the GC strikes to pass, in ms: twice a
 * linger plus the strikes (a core serving a remote goes idle only once the remote's
 * own linger has passed).
 */
export function quietMs (peer: { gcIntervalMs: number, gcStrikes: number, notDownloadingLingerMs: number }, tunableGc: boolean): number {
  const gc = tunableGc ? peer : FIXED_GC
  return 2 * (peer.notDownloadingLingerMs + (gc.gcStrikes + 1) * gc.gcIntervalMs)
}

/** What a store went through, as the checks saw it. */
interface StoreRecord {
  peer: Peer
  /** Every core the store tracked (dynamic attach included), in order. */
  cores: SimCore[]
  /** Set once the peer started closing the store (a clean close or a crash's). */
  closing: boolean
}

/** hypercore's replication peer, as far as "serving a remote" needs it. */
interface ReplicationPeer {
  remoteDownloading: boolean
}

// ReadyResource's closing promise: also catches a close() the peer did not start.
function isClosing (store: StoreLike): boolean {
  return ((store as { closing?: unknown }).closing ?? null) !== null
}

function isOpen (core: SimCore): boolean {
  return core.opened && !core.closed
}

/**
 * The store's liveness, checked on every peer (ours or any corestore-compatible store):
 * - `one-core-per-key`: at no moment two open core objects for one discovery key in
 *   one store (a get racing the close of the previous core waits for that close).
 *   Checked the moment a core finishes opening, and after every step.
 * - `open-after-close`: no core tracked once the store's close() started; nothing
 *   open once it resolved.
 * - `gc-liveness`: at the end of the cool-down (replication quiet, GC strikes passed)
 *   a store keeps open exactly the cores live sessions hold, cores opened by dynamic
 *   attach included: every open core is held by a session the model says is open,
 *   or still serves a remote that downloads it.
 */
export class LivenessChecks {
  private readonly deps: LivenessDeps
  private readonly stores = new Map<StoreLike, StoreRecord>()
  /**
   * Cores left `closed: false` by a store's close() because their own close failed on a
   * database that refuses writes (a disk fault failed a write; see SimDisk): hypercore's
   * core close ends with a write, which such a database rejects ("Batch was not
   * applied"), on any store. Tolerated, counted.
   */
  failedCloses = 0
  private readonly neverOpened = new WeakSet<SimCore>()

  constructor (deps: LivenessDeps) {
    this.deps = deps
  }

  /** Starts observing every peer's stores (takes each peer's `observer`). */
  attach (): void {
    for (const peer of this.deps.peers) peer.observer = this.observer(peer)
  }

  private observer (peer: Peer): StoreObserver {
    return {
      core: (store, core) => this.onCore(peer, store, core),
      closing: (store) => { this.record(peer, store).closing = true },
      closed: (store) => this.onClosed(store)
    }
  }

  private record (peer: Peer, store: StoreLike): StoreRecord {
    let r = this.stores.get(store)
    if (r === undefined) this.stores.set(store, (r = { peer, cores: [], closing: false }))
    return r
  }

  /** Virtual time, ms since the run started (0 once the clock is uninstalled). */
  private now (): number {
    const clock = this.deps.scheduler.clock
    return clock.installed ? clock.elapsedMs : 0
  }

  private violate (invariant: InvariantName, peer: Peer, core: SimCore | null, detail: string): void {
    const index = core === null ? -1 : this.deps.catalog.indexOf(core.discoveryKey.toString('hex'))
    this.deps.log.account({
      checked: 1,
      violations: [{ invariant, atMs: this.now(), step: this.deps.step, peer: peer.index, ...(index === -1 ? {} : { core: index }), detail }]
    })
  }

  private onCore (peer: Peer, store: StoreLike, core: SimCore): void {
    const r = this.record(peer, store)
    r.cores.push(core)
    this.deps.log.account({ checked: 1, violations: [] })
    if (r.closing || isClosing(store)) {
      this.violate('open-after-close', peer, core, 'the store tracked a new core after its close() started')
    }
    // A core whose open failed holds nothing, and hypercore's close() of it rejects with
    // the open's error for ever (it stays `closed: false`): it is not left open.
    core.ready().then(() => this.onOpened(r, core), () => { this.neverOpened.add(core) })
  }

  private onOpened (r: StoreRecord, core: SimCore): void {
    const twins = r.cores.filter((c) => c !== core && isOpen(c) && c.discoveryKey.equals(core.discoveryKey))
    this.deps.log.account({ checked: 1, violations: [] })
    if (twins.length > 0) {
      this.violate('one-core-per-key', r.peer, core, `a core opened while ${twins.length} other core object(s) of its key were still open`)
    }
  }

  private onClosed (store: StoreLike): void {
    const r = this.stores.get(store)
    if (r === undefined) return
    const failedFlush = (c: SimCore): boolean => c.closing !== null && this.deps.disks.get(r.peer.index).readOnly
    const open = r.cores.filter((c) => !c.closed && !this.neverOpened.has(c) && !failedFlush(c))
    this.failedCloses += r.cores.filter((c) => !c.closed && !this.neverOpened.has(c) && failedFlush(c)).length
    this.deps.log.account({ checked: 1, violations: [] })
    if (open.length === 0) return
    const which = open.map((c) => {
      const index = this.deps.catalog.indexOf(c.discoveryKey.toString('hex'))
      return `${index === -1 ? 'a core outside the catalog' : `c${index}`} (${c.closing === null ? 'never closed' : 'close() did not finish'}, ${c.activeSessions} session(s))`
    })
    this.violate('open-after-close', r.peer, null, `${open.length} core(s) still open after close() resolved: ${which.join(', ')}`)
    this.stores.delete(store)
  }

  /** After every step: no two open core objects of one key in any store. */
  check (): CheckResult {
    const out: CheckResult = { checked: 0, violations: [] }
    for (const r of this.stores.values()) {
      const seen = new Map<string, number>()
      for (const core of r.cores) {
        if (!isOpen(core)) continue
        const id = core.discoveryKey.toString('hex')
        seen.set(id, (seen.get(id) ?? 0) + 1)
      }
      out.checked++
      for (const [id, n] of seen) {
        if (n < 2) continue
        const index = this.deps.catalog.indexOf(id)
        out.violations.push({
          invariant: 'one-core-per-key', atMs: this.now(), step: this.deps.step, peer: r.peer.index,
          ...(index === -1 ? {} : { core: index }), detail: `${n} open core objects for one discovery key`
        })
      }
      // Closed cores are done with: keep the record small on long runs.
      r.cores = r.cores.filter((c) => !c.closed)
    }
    return out
  }

  /**
   * GC liveness, for the end of the cool-down: on every running peer, every open core
   * of its store is held by a live session of the model (or one an api step left open
   * for the store's close) or serves a downloading remote.
   */
  checkGcLiveness (): CheckResult {
    const out: CheckResult = { checked: 0, violations: [] }
    for (const [store, r] of this.stores) {
      const peer = r.peer
      if (!peer.up || peer.store !== store) continue
      for (const core of r.cores) {
        if (!isOpen(core) || core.closing !== null) continue
        out.checked++
        const index = this.deps.catalog.indexOf(core.discoveryKey.toString('hex'))
        // An app's (a workload's) sessions are live sessions the model does not track:
        // where one runs, a core with sessions counts as held.
        const held = (index !== -1 && (peer.sessions.get(index)?.length ?? 0) > 0) ||
          (this.deps.options.workload !== null && core.hasSession()) || peer.leavesOpen(core)
        const serving = (core.replicator.peers as ReplicationPeer[]).some((p) => p.remoteDownloading)
        if (held || serving) continue
        out.violations.push({
          invariant: 'gc-liveness', atMs: this.now(), step: this.deps.step, peer: peer.index,
          ...(index === -1 ? {} : { core: index }),
          detail: `core open with no live session and no remote downloading it (${core.replicator.peers.length} replication peer(s)${core.hasSession() ? ', sessions the model does not know' : ''})`
        })
      }
    }
    return out
  }
}
