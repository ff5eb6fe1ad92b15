import type { SimContext } from '../context'
import type { CoreSpec } from './catalog'
import { checkDurability, type CheckContext, type CheckResult, type Drive } from '../checks/invariants'
import type { Peer } from './peer'
import type { Outcome } from '../clock/scheduler'
import { DEVICE_FILE_CALLERS, type ClockTimer } from '../clock/virtual-clock'
import { diskErrorCode } from '../disk/disk-error'
import { checkCleanAudit, checkRotAudit } from '../checks/rot-audit'
import { servedOwnRot } from '../disk/disk-steps'
import type { LinkStream } from '../network/link'

/** Times a restart tries to open a store that failed to open with a disk error (more while armed read errors are being used up). */
const OPEN_ATTEMPTS = 3

/** Passive drive: the simulator is already driving the clock when these run. */
const passive: Drive = <T>(p: Promise<T>): Promise<Outcome<T>> =>
  p.then((value) => ({ state: 'resolved' as const, value }), (error: unknown) => ({ state: 'rejected' as const, error }))

/** What a close with links up left on the peer's streams (Lifecycle.closePeerLinksUp). */
export interface LinksUpClose {
  /** The peer's connected streams when the close began. */
  streams: number
  /** Of those, destroyed by the close. */
  destroyed: number
  /** Hypercore replication channels still open on them after the close. */
  channels: number
}

/** The muxer hypercore keeps on a replication stream (Hypercore.createProtocolStream). */
interface MuxedStream { noiseStream?: { userData?: Iterable<{ opened: boolean, closed: boolean, protocol: string }> | null } }

// Only channels both ends opened: closing a core closes those (hypercore's replicator
// holds them). One still opening (the remote has not answered) is no core's yet; ours
// closes it too, upstream 7.12.5 leaves it (not counted: no standalone repro of it yet).
function openChannels (stream: LinkStream): number {
  let n = 0
  for (const ch of (stream as unknown as MuxedStream).noiseStream?.userData ?? []) if (ch.opened && !ch.closed && ch.protocol === 'hypercore/alpha') n++
  return n
}

/** A store's `suspend()`/`resume()`, which our store and upstream's both have. */
interface Suspendable {
  suspend (): Promise<void>
  resume (): Promise<void>
}

/** What an application on the peers (a workload) does when a peer goes down or comes back. */
export interface AppHooks {
  /** Before a clean close of the peer's store: close the app. */
  closing (peer: number): Promise<void>
  /** After a crash killed the peer's database, before its store is dropped: drop the app. */
  crashed (peer: number): Promise<void>
  /** After a restart (store open, links up, durability checked): reopen the app. */
  reopened (peer: number): Promise<void>
  /** After the heal (every peer up): reopen the apps that stopped themselves. */
  healed (): Promise<void>
}

/** What the lifecycle needs of a simulation. */
export interface LifecycleDeps extends Pick<SimContext, 'peers' | 'catalog' | 'network' | 'disks' | 'scheduler' | 'trace' | 'log'> {
  /** Where a durability check runs. */
  context: () => CheckContext
  /** The application on the peers, if any. */
  app?: AppHooks | null
}

/**
 * Peers going down and coming back, and faults expiring: crash, clean close, restart
 * (with the durability check), heal, and the virtual timers that lift faults.
 * Never drives the clock itself: callers run inside a drive (a step, or setup).
 */
export class Lifecycle {
  private readonly deps: LifecycleDeps
  private readonly timers = new Set<ClockTimer>()
  private stopped = false

  constructor (deps: LifecycleDeps) {
    this.deps = deps
  }

  /**
   * Builds the world, one thing at a time (so file-system work never overlaps): opens
   * every peer, creates each core on its owner (registering its keys), then links peers.
   */
  async setup (cores: readonly CoreSpec[], links: ReadonlyArray<[number, number]>, lingerMs: number, timeoutMs: number): Promise<void> {
    const { scheduler, peers, catalog, trace, network } = this.deps
    for (const peer of peers) await scheduler.must(this.openPeer(peer), timeoutMs, `open peer ${peer.index}`)
    for (const spec of cores) {
      const owner = peers[spec.owner] as Peer
      const session = owner.requireStore().get({ name: spec.name, notDownloadingLinger: lingerMs })
      // The world is built on quiet disks: setup is not under test, and must not time out.
      await scheduler.must(this.deps.disks.quiet(spec.owner, () => session.ready()), timeoutMs, `create core ${spec.name}`)
      const entry = catalog.add(spec, session.key as Buffer, session.discoveryKey as Buffer)
      owner.holds.add(entry.index)
      trace.record('core', { c: entry.index, owner: spec.owner, key: entry.key.toString('hex') })
      await scheduler.must(this.deps.disks.quiet(spec.owner, () => session.close()), timeoutMs, `close core ${spec.name}`)
    }
    for (const [a, b] of links) network.connect(a, b)
    await scheduler.settle()
  }

  /**
   * Opens a peer's store. Held work (see Scheduler.hold): the folder's lock goes
   * through native calls the idle check cannot see. device-file sees the real Date
   * meanwhile, and nothing else does (see VirtualClock.withRealDateFor).
   */
  openPeer (peer: Peer): Promise<void> {
    return this.held(peer.index, () => this.deps.scheduler.clock.withRealDateFor(DEVICE_FILE_CALLERS, () => peer.open()))
  }

  // Work the scheduler waits for without moving time; the peer's disk is quiet meanwhile.
  private held (i: number, work: () => Promise<void>): Promise<void> {
    return this.deps.scheduler.hold(this.deps.disks.quiet(i, work))
  }

  /** Cuts a peer's links, then crashes it. */
  async crashPeer (i: number): Promise<void> {
    await this.wakePeer(i, true)
    this.deps.network.peerDown(i)
    this.deps.trace.record('crash', { p: i })
    const app = this.deps.app
    await this.held(i, () => (this.deps.peers[i] as Peer).crash(app == null ? undefined : () => app.crashed(i)))
  }

  /**
   * Power loss: the peer crashes, then its folder goes back to its disk's last sync
   * point (SyncPoints.restore) and the model forgets the acknowledgements not synced by
   * then (they may be gone; the synced ones must survive). The restart audits every core.
   */
  async powerLoss (i: number): Promise<void> {
    await this.crashPeer(i)
    const peer = this.deps.peers[i] as Peer
    const restored = this.deps.disks.get(i).sync.restore()
    const unsynced = restored ? peer.lostPower() : 0
    this.deps.disks.get(i).stats.unsynced += unsynced
    this.lostPower.add(i)
    this.deps.trace.record('power', { p: i, restored, unsynced })
  }

  /** Peers that lost power and have not restarted since (their restart audits their cores). */
  private readonly lostPower = new Set<number>()

  /**
   * Closes a peer cleanly, as an application closes its store: its links are cut first
   * (the streams are the caller's, here the simulator's), then the app closes, then the
   * store.
   */
  async closePeer (i: number): Promise<void> {
    this.deps.network.peerDown(i)
    this.deps.trace.record('close', { p: i })
    await this.deps.app?.closing(i)
    await this.held(i, () => (this.deps.peers[i] as Peer).close())
  }

  /**
   * Closes a peer cleanly with its links up, as an application that closes its store
   * before its swarm does: the streams are the caller's (the simulator's), so the close
   * must leave them open and close the store's replication channels on them. Then the
   * links are cut. Reports what the close left on the streams.
   */
  async closePeerLinksUp (i: number): Promise<LinksUpClose> {
    const ends = this.deps.network.streamsOf(i)
    this.deps.trace.record('close', { p: i, linksUp: ends.length })
    await this.deps.app?.closing(i)
    await this.held(i, () => (this.deps.peers[i] as Peer).close())
    const destroyed = ends.filter((s) => s.destroyed || s.destroying).length
    const channels = ends.reduce((n, s) => n + openChannels(s), 0)
    this.deps.network.peerDown(i)
    return { streams: ends.length, destroyed, channels }
  }

  /**
   * The peer's app suspends its store (`suspend()`), then the peer sleeps: nothing
   * sent or received on its links (Network.sleep) and, by the executor, no step on it.
   * Its timers still fire (one clock for every peer: see docs/ARCHITECTURE.md). Resolves
   * with the error of `suspend()`, or null; the peer sleeps either way, as a laptop does
   * whatever its apps managed.
   */
  async sleepPeer (i: number, fault: number): Promise<unknown> {
    const peer = this.deps.peers[i] as Peer
    const store = peer.requireStore()
    const failed = await (store as unknown as Suspendable).suspend().then(() => null, (err: unknown) => err ?? new Error('suspend() rejected'))
    // A recovery may have replaced the store meanwhile: a new store is not suspended.
    if (peer.store !== store || !peer.up) return failed
    peer.asleep = { store, fault }
    this.deps.network.sleep(i, `sleep#${fault}`)
    return failed
  }

  /**
   * Wakes a sleeping peer: its links carry again (what they held first), then its app
   * calls `resume()` on the store it suspended (not on a store a crash replaced), then a
   * database a disk fault left refusing writes meanwhile is recovered (never while
   * asleep). A failed `resume()` is an error of the run. `dies`: the peer crashes in
   * its sleep; its links stay down and nothing resumes. `fault`: wake only the sleep that
   * fault started (a lift whose sleep a crash ended must not end a later sleep early).
   */
  async wakePeer (i: number, dies = false, fault?: number): Promise<void> {
    const peer = this.deps.peers[i] as Peer
    const sleep = peer.asleep
    if (sleep === null || (fault !== undefined && sleep.fault !== fault)) return
    peer.asleep = null
    this.deps.network.wake(i, !dies)
    this.deps.trace.record('wake', { p: i, id: sleep.fault, ...(dies ? { dies } : {}) })
    if (dies || peer.store !== sleep.store || !peer.up) return
    try {
      await (sleep.store as unknown as Suspendable).resume()
    } catch (err) {
      this.deps.log.error(err)
    }
    await this.recoverPeer(i)
  }

  /**
   * If a write failure left the peer's database refusing writes (see SimDisk), restarts
   * the peer, as its operator would: a clean close (which must succeed even so), a
   * reopen and the durability check. Failures are logged as violations.
   */
  async recoverPeer (i: number): Promise<void> {
    const peer = this.deps.peers[i] as Peer
    if (!peer.up || this.stopped || peer.asleep !== null || !this.deps.disks.get(i).readOnly) return
    this.deps.trace.record('recover', { p: i })
    try {
      await this.closePeer(i)
    } catch (err) {
      this.deps.log.error(err)
    }
    await this.restartPeer(i)
  }

  /** Reopens a crashed or closed peer, reconnects it, and checks its acknowledged appends. */
  async restartPeer (i: number): Promise<CheckResult> {
    const peer = this.deps.peers[i] as Peer
    if (peer.up || this.stopped) return { checked: 0, violations: [] }
    this.deps.trace.record('restart', { p: i })
    const disk = this.deps.disks.get(i)
    for (let attempt = 1; ; attempt++) {
      const armed = disk.failingReads
      try {
        await this.openPeer(peer)
        break
      } catch (err) {
        // A read error is transient: the operator opens it again, for as long as each
        // failed open uses up reads a `read-error` armed (so this ends). Anything else,
        // or a disk that keeps failing, is a violation.
        const usedArmedReads = disk.failingReads < armed
        if (diskErrorCode(err) === null || (attempt >= OPEN_ATTEMPTS && !usedArmedReads)) {
          this.deps.log.error(err)
          return { checked: 0, violations: [] }
        }
        this.deps.trace.record('reopen', { p: i, code: diskErrorCode(err) })
      }
    }
    this.deps.trace.record('up', { p: i })
    this.deps.network.peerUp(i)
    // The check reads on a quiet disk, so it ends in the instant of the restart (as the
    // open does): a restart a timer starts must not outlive the step it falls in.
    const rotBefore = disk.stats.corruptReads
    const result = await this.deps.disks.quiet(i, () => checkDurability(this.deps.context(), peer, passive, (got, expected) => servedOwnRot(disk, rotBefore, got, expected)))
    if (this.lostPower.delete(i)) {
      const audited = await this.deps.disks.quiet(i, () => checkCleanAudit(this.deps.context(), peer, passive))
      result.checked += audited.checked
      result.violations.push(...audited.violations)
    }
    this.deps.log.account(result)
    if (peer.up) await this.deps.app?.reopened(i)
    return result
  }

  /** Before the heal lifts sticky bit rot: `audit()` must report it (checkRotAudit), on a quiet disk. */
  private async auditRot (): Promise<void> {
    for (const peer of this.deps.peers) {
      const damaged = this.deps.disks.get(peer.index).damaged
      if (damaged.length === 0 || !peer.up) continue
      const result = await this.deps.disks.quiet(peer.index, () => checkRotAudit(this.deps.context(), peer, damaged, passive))
      this.deps.trace.record('audit', { p: peer.index, checked: result.checked, missed: result.violations.length, ...(result.blind > 0 ? { blind: result.blind } : {}) })
      this.deps.log.account(result)
    }
  }

  /** Runs `fn` after `delayMs` of virtual time, unless healed or stopped first. */
  later (delayMs: number, fn: () => void): void {
    const { clock } = this.deps.scheduler
    const timer = clock.setTimeout(() => {
      this.timers.delete(timer)
      try {
        fn()
      } catch (err) {
        this.deps.log.error(err)
      }
    }, delayMs)
    this.timers.add(timer)
  }

  /** Lifts every fault now, restarts every crashed peer and recovers every read-only one. */
  async healAll (): Promise<void> {
    this.cancelTimers()
    this.deps.trace.record('heal')
    for (const peer of this.deps.peers) await this.wakePeer(peer.index)
    this.deps.network.healAll()
    await this.auditRot()
    const rotted = this.deps.peers.filter((p) => p.up && this.deps.disks.get(p.index).rotted)
    this.deps.disks.liftAll()
    for (const peer of this.deps.peers) {
      if (peer.state === 'crashed') await this.restartPeer(peer.index)
      else await this.recoverPeer(peer.index)
    }
    // hypercore keeps what it read (tree roots, bitfield pages) in memory: after bit rot,
    // its operator restarts it on the repaired disk, as after a failed write.
    for (const peer of rotted) {
      if (!peer.up || this.stopped) continue
      this.deps.trace.record('recover', { p: peer.index, why: 'rot' })
      try {
        await this.closePeer(peer.index)
      } catch (err) {
        this.deps.log.error(err)
      }
      await this.restartPeer(peer.index)
    }
    await this.deps.app?.healed()
  }

  /** Teardown: cuts every link, then closes every peer cleanly, one at a time. */
  async closeAll (timeoutMs: number): Promise<void> {
    const { scheduler, network, peers, log } = this.deps
    this.stop()
    // A peer still asleep (a run that stopped early) wakes first: its app resumes the store it suspended before closing it.
    for (const peer of peers) if (peer.asleep !== null) await scheduler.run(this.wakePeer(peer.index), timeoutMs)
    network.cutAll()
    for (const peer of peers) {
      // The app closes before its store, as an application closes its objects first.
      const app = this.deps.app
      if (app != null && peer.up) await scheduler.run(app.closing(peer.index), timeoutMs)
      const outcome = await scheduler.run(this.held(peer.index, () => peer.close()), timeoutMs)
      if (outcome.state === 'rejected') log.error(outcome.error)
      else if (outcome.state === 'pending') log.error(new Error(`closing peer ${peer.index} timed out`))
    }
    await scheduler.settle()
  }

  /** Cancels pending fault expiries and refuses further restarts (teardown). */
  stop (): void {
    this.stopped = true
    this.cancelTimers()
  }

  private cancelTimers (): void {
    for (const timer of this.timers) this.deps.scheduler.clock.clearTimeout(timer)
    this.timers.clear()
  }
}
