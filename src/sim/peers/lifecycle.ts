import type { SimContext } from '../context'
import type { CoreSpec } from './catalog'
import { checkDurability, type CheckContext, type CheckResult, type Drive } from '../checks/invariants'
import type { Peer } from './peer'
import type { Outcome } from '../clock/scheduler'
import type { ClockTimer } from '../clock/virtual-clock'

/** Passive drive: the simulator is already driving the clock when these run. */
const passive: Drive = <T>(p: Promise<T>): Promise<Outcome<T>> =>
  p.then((value) => ({ state: 'resolved' as const, value }), (error: unknown) => ({ state: 'rejected' as const, error }))

/** What the lifecycle needs of a simulation. */
export interface LifecycleDeps extends Pick<SimContext, 'peers' | 'catalog' | 'network' | 'scheduler' | 'trace' | 'log'> {
  /** Where a durability check runs. */
  context: () => CheckContext
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
      await scheduler.must(session.ready(), timeoutMs, `create core ${spec.name}`)
      const entry = catalog.add(spec, session.key as Buffer, session.discoveryKey as Buffer)
      owner.holds.add(entry.index)
      trace.record('core', { c: entry.index, owner: spec.owner, key: entry.key.toString('hex') })
      await scheduler.must(session.close(), timeoutMs, `close core ${spec.name}`)
    }
    for (const [a, b] of links) network.connect(a, b)
    await scheduler.settle()
  }

  /**
   * Opens a peer's store. Held work (see Scheduler.hold): the folder's lock goes
   * through native calls the idle check cannot see. Runs with the real Date (see
   * VirtualClock.withRealDate).
   */
  openPeer (peer: Peer): Promise<void> {
    const { scheduler } = this.deps
    return scheduler.hold(scheduler.clock.withRealDate(() => peer.open()))
  }

  /** Cuts a peer's links, then crashes it. */
  async crashPeer (i: number): Promise<void> {
    this.deps.network.peerDown(i)
    this.deps.trace.record('crash', { p: i })
    await this.deps.scheduler.hold((this.deps.peers[i] as Peer).crash())
  }

  /**
   * Closes a peer cleanly, as an application closes its store: with its links still up,
   * so that `close()` must destroy the replication streams the store made (a stream it
   * leaves open is a `left-open` violation); then cuts what is left of its links.
   */
  async closePeer (i: number): Promise<void> {
    const { network, trace, scheduler, log } = this.deps
    trace.record('close', { p: i })
    const streams = network.linksOf(i).map((link) => link.streamOf(i)).filter((s): s is NonNullable<typeof s> => s !== null)
    await scheduler.hold((this.deps.peers[i] as Peer).close())
    const open = streams.filter((s) => !(s.destroying || s.destroyed))
    const ctx = this.deps.context()
    log.account({
      checked: 1,
      violations: open.length === 0 ? [] : [{ invariant: 'left-open', atMs: ctx.atMs, step: ctx.step, peer: i, detail: `close() left ${open.length} replication stream(s) the store made open` }]
    })
    network.peerDown(i)
  }

  /** Reopens a crashed or closed peer, reconnects it, and checks its acknowledged appends. */
  async restartPeer (i: number): Promise<CheckResult> {
    const peer = this.deps.peers[i] as Peer
    if (peer.up || this.stopped) return { checked: 0, violations: [] }
    this.deps.trace.record('restart', { p: i })
    try {
      await this.openPeer(peer)
    } catch (err) {
      this.deps.log.error(err)
      return { checked: 0, violations: [] }
    }
    this.deps.network.peerUp(i)
    const result = await checkDurability(this.deps.context(), peer, passive)
    this.deps.log.account(result)
    return result
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

  /** Lifts every fault now and restarts every crashed peer. */
  async healAll (): Promise<void> {
    this.cancelTimers()
    this.deps.trace.record('heal')
    this.deps.network.healAll()
    for (const peer of this.deps.peers) {
      if (peer.state === 'crashed') await this.restartPeer(peer.index)
    }
  }

  /** Teardown: cuts every link, then closes every peer cleanly, one at a time. */
  async closeAll (timeoutMs: number): Promise<void> {
    const { scheduler, network, peers, log } = this.deps
    this.stop()
    network.cutAll()
    for (const peer of peers) {
      const outcome = await scheduler.run(scheduler.hold(peer.close()), timeoutMs)
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
