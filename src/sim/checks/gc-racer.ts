import type { SimContext } from '../context'
import { errorCode, type CheckResult } from './invariants'
import { diskErrorCode } from '../disk/disk-error'
import type { Peer } from '../peers/peer'
import { deriveSeed, mixSeed, type Prng } from '../random/prng'

/** What the racer needs of a simulation. */
export type GcRacerDeps = Pick<SimContext, 'peers' | 'catalog' | 'scheduler' | 'trace' | 'log' | 'step'>

/**
 * Races GC: when a GC tick starts closing a core, then (with the given probability)
 * right after that tick, before anything settles, the same peer opens the core again
 * and reads its last local block. The invariant: a get racing GC gets a working
 * session (ready resolves, the read does not fail, and both finish without waiting on
 * anything: a race still pending when the system is idle is hung). Violations are `gc-race`.
 *
 * Whether a close is raced depends only on the run's seed, the peer, the core's name
 * and how many times GC closed that core on that peer before: not on how many other
 * closes came first. A shrunk scenario (fewer steps, other cores gone) races the
 * closes that matter just as the original run did.
 */
export class GcRacer {
  /** Races started. */
  races = 0
  /** Races that could not get a working session: the disk failed, or the store closed under them. */
  abandoned = 0
  private readonly deps: GcRacerDeps
  private readonly prng: Prng
  private readonly probability: number
  private pending: Array<{ peer: Peer, core: number }> = []
  private readonly closes = new Map<string, number>()
  private readonly inflight = new Set<{ peer: number, core: number, store: unknown }>()

  constructor (deps: GcRacerDeps, prng: Prng, probability: number) {
    if (!(probability >= 0 && probability <= 1)) throw new RangeError('gcRace must be a probability in [0, 1]')
    this.deps = deps
    this.prng = prng
    this.probability = probability
  }

  /** Starts watching every peer's GC closes; takes the scheduler's afterEvent hook. */
  attach (): void {
    if (this.probability === 0) return
    for (const peer of this.deps.peers) {
      peer.onclosing = (core) => {
        const index = this.deps.catalog.indexOf(core.discoveryKey.toString('hex'))
        if (index !== -1 && this.draw(peer.index, this.deps.catalog.get(index).name)) this.pending.push({ peer, core: index })
      }
    }
    this.deps.scheduler.afterEvent = () => this.flush()
  }

  /** The decision for the next GC close of core `name` on peer `peer` (see the class comment). */
  private draw (peer: number, name: string): boolean {
    const key = `${peer}/${name}`
    const n = this.closes.get(key) ?? 0
    this.closes.set(key, n + 1)
    const u = mixSeed(deriveSeed(this.prng.seed, key), n) / 2 ** 32
    return u < this.probability
  }

  private flush (): void {
    const pending = this.pending
    if (pending.length === 0) return
    this.pending = []
    for (const { peer, core } of pending) {
      if (peer.up && peer.asleep === null) this.race(peer, core) // a sleeping peer's app makes no get
    }
  }

  private race (peer: Peer, core: number): void {
    const { trace, log, scheduler } = this.deps
    this.races++
    const entry = this.deps.catalog.get(core)
    const store = peer.store
    const race = { peer: peer.index, core, store }
    this.inflight.add(race)
    const session = peer.tempSession(entry)
    const read = async (): Promise<void> => {
      await session.ready()
      if (session.length > 0) await session.get(session.length - 1, { wait: false })
      // Working means on a live core the store tracks, not on the one GC is closing.
      const live = session.core
      if (live === null || live.closing !== null || live.closed || peer.store?.cores.get(entry.id) !== live) {
        throw Object.assign(new Error('the session is on a core GC is closing'), { code: 'CLOSING_CORE' })
      }
    }
    read().then(() => {
      this.inflight.delete(race)
      trace.record('race', { p: peer.index, c: core, ok: true })
    }, (err: unknown) => {
      this.inflight.delete(race)
      trace.record('race', { p: peer.index, c: core, ok: false, code: errorCode(err) })
      // A disk error is the disk's doing (only a disk fault makes one); a store closed
      // or crashed under the race (a slow disk lets a race outlive its step) ends it.
      if (diskErrorCode(err) !== null || peer.store !== store) {
        this.abandoned++
        return
      }
      log.account({ checked: 1, violations: [{ invariant: 'gc-race', atMs: scheduler.clock.elapsedMs, step: this.deps.step, peer: peer.index, core, detail: `a session opened while GC closed the core failed: ${errorCode(err)}` }] })
    }).finally(() => {
      // hypercore's close() of a session that failed to open rethrows the open's error.
      // A store closed or crashed under the race rejects that close too.
      session.close().catch((err: unknown) => { if (peer.store === store && (session.opened || diskErrorCode(err) === null)) log.error(err) })
    })
  }

  /**
   * Call at idle: races still pending are hung (each is reported once). Not while
   * storage work is pending: a slow disk may still finish them.
   */
  checkHung (atMs: number, step: number | null): CheckResult {
    const out: CheckResult = { checked: 1, violations: [] }
    if (this.deps.scheduler.gate.inflight > 0) return { checked: 0, violations: [] }
    for (const race of this.inflight) {
      // A race whose store closed or crashed under it cannot end in a working session.
      if ((this.deps.peers[race.peer] as Peer).store !== race.store) {
        this.abandoned++
        continue
      }
      out.violations.push({ invariant: 'gc-race', atMs, step, peer: race.peer, core: race.core, detail: 'a get racing GC never finished' })
    }
    this.inflight.clear()
    return out
  }
}
