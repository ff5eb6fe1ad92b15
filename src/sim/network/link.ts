import type { Duplex } from 'streamx'
import type { Clock, ClockTimer } from '../clock/virtual-clock'
import type { Prng } from '../random/prng'
import type { Trace } from '../trace/trace'
import { DirectionFaults, slowest, type OneWayMode } from './direction-faults'
import { Direction, recordWrites } from './direction'

export type { OneWayMode } from './direction-faults'

/** Options of a simulated link. Every field is optional. */
export interface LinkOptions {
  /** Lower bound of the link's one-way base latency, in ms. Default 5. */
  latencyMsMin?: number
  /** Upper bound of the link's one-way base latency, in ms; the base is drawn once per link. Default 40. */
  latencyMsMax?: number
  /** Extra per-message delay, uniform in [0, jitterMs], in ms; never reorders. Default 5. */
  jitterMs?: number
  /** Capacity of each direction, in bytes per second; 0 means unlimited. Default 10,000,000. */
  bandwidthBytesPerSec?: number
}

/** The defaults of `LinkOptions`. */
export const DEFAULT_LINK_OPTIONS: Readonly<Required<LinkOptions>> = Object.freeze({
  latencyMsMin: 5,
  latencyMsMax: 40,
  jitterMs: 5,
  bandwidthBytesPerSec: 10_000_000
})

/** Validates link options and applies the defaults; throws a RangeError on bad values. */
export function checkLinkOptions (opts: LinkOptions = {}): Required<LinkOptions> {
  const o = { ...DEFAULT_LINK_OPTIONS, ...opts }
  for (const [name, value] of Object.entries(o)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`link option ${name} must be a non-negative number, got ${String(value)}`)
    }
  }
  if (!Number.isInteger(o.latencyMsMin) || !Number.isInteger(o.latencyMsMax) || !Number.isInteger(o.jitterMs)) {
    throw new RangeError('latencyMsMin, latencyMsMax and jitterMs must be integers')
  }
  if (o.latencyMsMax < o.latencyMsMin) throw new RangeError('latencyMsMax must be >= latencyMsMin')
  return o
}

/** What a link carries: the raw side of a replication stream (a streamx Duplex). */
export type LinkStream = Duplex

/** Dependencies of a link. */
export interface LinkDeps {
  clock: Clock
  /** This link's own generator (forked by link name). */
  prng: Prng
  trace: Trace | null
}

/**
 * A simulated connection between two peers carrying the raw bytes of a real
 * replication stream pair (handshake, encryption, protocol: all real).
 *
 * Every chunk a stream emits becomes one message. A message waits for the direction
 * to be free (size / bandwidth), then travels the link's base latency plus jitter; a
 * message never overtakes an earlier one (TCP order). Delivery is a virtual-clock timer.
 *
 * Faults: `cut()` drops everything in flight and destroys both streams (a reset);
 * `stall()` holds every message sent from then on until `resume()`; `slow(bps)`
 * lowers the bandwidth until `unslow()`. One direction only (`oneWay`, `hold`): hold,
 * drop or slow what one peer sends; a hold with `recall` also takes back what is on
 * the wire toward a receiver that stopped listening (a sleeping peer). If a stream
 * closes by itself (its store closed it), the other end is destroyed once the
 * messages already on the wire have arrived, like a FIN.
 */
export class Link {
  /** Lower peer index. */
  readonly a: number
  /** Higher peer index. */
  readonly b: number
  /** `a-b`. */
  readonly name: string
  /** This link's base one-way latency, in ms. */
  readonly latencyMs: number
  /** Messages delivered. */
  messages = 0
  /** Bytes delivered. */
  bytes = 0
  /** Called when a stream closed by itself and the link went down. */
  onclose: (() => void) | null = null

  private readonly opts: Required<LinkOptions>
  private readonly deps: LinkDeps
  private dirs: [Direction, Direction] | null = null
  private generation = 0
  private stalledFlag = false
  private slowBytesPerSec: number | null = null
  private fin: ClockTimer | null = null
  /** Faults of a>b and b>a. */
  private readonly dirFaults: [DirectionFaults, DirectionFaults] = [new DirectionFaults(), new DirectionFaults()]
  /** With stacks traced: the write that produced each chunk on the wire. */
  private readonly causes = new WeakMap<Buffer, string>()

  /** `opts` are resolved options (`checkLinkOptions`): they are checked once, where the simulation is made. */
  constructor (a: number, b: number, opts: Readonly<Required<LinkOptions>>, deps: LinkDeps) {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b <= a) throw new RangeError(`bad link ${a}-${b}`)
    this.a = a
    this.b = b
    this.name = `${a}-${b}`
    this.opts = opts
    this.deps = deps
    this.latencyMs = deps.prng.int(this.opts.latencyMsMin, this.opts.latencyMsMax)
  }

  /** True while streams are attached. */
  get connected (): boolean {
    return this.dirs !== null
  }

  /** True between `stall()` and `resume()`. */
  get stalled (): boolean {
    return this.stalledFlag
  }

  /** The bandwidth in force, bytes per second (0: unlimited). */
  get bandwidthBytesPerSec (): number {
    return this.slowBytesPerSec ?? this.opts.bandwidthBytesPerSec
  }

  /** Messages one direction dropped so far (`oneWay` drop), by sender. */
  dropped (from: number): number {
    return this.faultsFrom(from).dropped
  }

  /** True while a one-way fault or a hold acts on what `from` sends. */
  faultedFrom (from: number): boolean {
    return !this.faultsFrom(from).clear
  }

  /** Starts carrying bytes between `streamA` (peer a's end) and `streamB` (peer b's end). */
  connect (streamA: LinkStream, streamB: LinkStream): void {
    if (this.dirs !== null) throw new Error(`link ${this.name} is connected already`)
    const gen = ++this.generation
    const ab = new Direction(`${this.a}>${this.b}`, 0, streamA, streamB)
    const ba = new Direction(`${this.b}>${this.a}`, 1, streamB, streamA)
    this.dirs = [ab, ba]
    const stacks = this.deps.trace?.stacks === true
    for (const dir of this.dirs) {
      if (stacks) recordWrites(dir)
      dir.from.on('error', noop)
      dir.from.on('data', (chunk: unknown) => {
        if (gen !== this.generation) return
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
        if (dir.lastWrite !== undefined) this.causes.set(buf, dir.lastWrite)
        this.send(dir, buf)
      })
      dir.from.on('close', () => {
        if (gen === this.generation) this.onStreamClose(dir)
      })
    }
  }

  /** Peer `p`'s end of the streams while connected, else null. */
  streamOf (p: number): LinkStream | null {
    if (this.dirs === null) return null
    return (p === this.a ? this.dirs[0] : this.dirs[1]).from
  }

  /** Drops every message in flight and destroys both streams. */
  cut (): void {
    const dirs = this.dirs
    if (dirs === null) return
    this.generation++
    this.dirs = null
    if (this.fin !== null) this.deps.clock.clearTimeout(this.fin)
    this.fin = null
    for (const f of this.dirFaults) f.lost = 0
    for (const dir of dirs) {
      for (const timer of dir.timers.keys()) this.deps.clock.clearTimeout(timer)
      dir.timers.clear()
      dir.held.length = 0
    }
    for (const dir of dirs) dir.from.destroy()
  }

  /** Holds every message sent from now on until `resume()`. */
  stall (): void {
    this.stalledFlag = true
  }

  /** Ends a stall: held messages leave now, in order (but for a direction a one-way hold still holds). */
  resume (): void {
    if (!this.stalledFlag) return
    this.stalledFlag = false
    if (this.dirs === null) return
    for (const dir of this.dirs) this.flush(dir)
  }

  /**
   * A fault of what `from` sends, until `liftOneWay(from, reason)`: `stall` holds it,
   * `drop` loses it (the other end never hears it; a reliable transport would reset
   * the connection, which the network does when the fault lifts), `slow` carries it at
   * `bandwidthBytesPerSec`. The other direction is untouched.
   */
  oneWay (from: number, reason: string, mode: OneWayMode, bandwidthBytesPerSec?: number): void {
    const f = this.faultsFrom(from)
    if (mode === 'stall') f.holds.add(reason)
    else if (mode === 'drop') f.drops.add(reason)
    else {
      if (bandwidthBytesPerSec === undefined || !Number.isFinite(bandwidthBytesPerSec) || bandwidthBytesPerSec <= 0) throw new RangeError('bandwidthBytesPerSec must be > 0')
      f.slows.set(reason, bandwidthBytesPerSec)
    }
  }

  /**
   * Holds what `from` sends until `liftOneWay(from, reason)`. With `recall`, messages
   * already on the wire toward the other end are taken back and held too, in order, as
   * if never sent: the receiver is not listening (asleep) and gets them when it wakes.
   */
  hold (from: number, reason: string, recall: boolean): void {
    this.faultsFrom(from).holds.add(reason)
    const dir = this.directionFrom(from)
    if (!recall || dir === null) return
    const onWire = [...dir.timers]
    for (const [timer] of onWire) this.deps.clock.clearTimeout(timer)
    dir.timers.clear()
    dir.held.unshift(...onWire.map(([, chunk]) => chunk))
  }

  /**
   * Lifts one fault of what `from` sends; messages held by it leave now, in order, if
   * nothing else holds them. Returns true when the direction lost messages of the
   * current streams and drops no more: the connection is broken and wants a reset.
   */
  liftOneWay (from: number, reason: string): boolean {
    const f = this.faultsFrom(from)
    f.holds.delete(reason)
    f.drops.delete(reason)
    f.slows.delete(reason)
    const dir = this.directionFrom(from)
    if (dir !== null) this.flush(dir)
    return f.drops.size === 0 && f.lost > 0 && this.connected
  }

  /** Lifts every one-way fault and hold, both directions (the heal); held messages leave. Returns true as `liftOneWay` does. */
  liftAllOneWay (): boolean {
    let broken = false
    for (const f of this.dirFaults) {
      f.holds.clear()
      f.drops.clear()
      f.slows.clear()
      if (f.lost > 0) broken = true
    }
    if (this.dirs !== null) for (const dir of this.dirs) this.flush(dir)
    return broken && this.connected
  }

  private faultsFrom (from: number): DirectionFaults {
    if (from !== this.a && from !== this.b) throw new RangeError(`peer ${from} is not an end of link ${this.name}`)
    return this.dirFaults[from === this.a ? 0 : 1]
  }

  private directionFrom (from: number): Direction | null {
    this.faultsFrom(from)
    return this.dirs === null ? null : this.dirs[from === this.a ? 0 : 1]
  }

  private holding (dir: Direction): boolean {
    return this.stalledFlag || this.dirFaults[dir.side].holds.size > 0
  }

  private flush (dir: Direction): void {
    if (this.holding(dir)) return
    const held = dir.held.splice(0)
    for (const chunk of held) this.send(dir, chunk)
  }

  /** Lowers (or raises) the bandwidth until `unslow()`; bytes per second, > 0. */
  slow (bandwidthBytesPerSec: number): void {
    if (!Number.isFinite(bandwidthBytesPerSec) || bandwidthBytesPerSec <= 0) throw new RangeError('bandwidthBytesPerSec must be > 0')
    this.slowBytesPerSec = bandwidthBytesPerSec
  }

  /** Restores the configured bandwidth. */
  unslow (): void {
    this.slowBytesPerSec = null
  }

  private send (dir: Direction, chunk: Buffer): void {
    if (this.holding(dir)) {
      dir.held.push(chunk)
      return
    }
    const faults = this.dirFaults[dir.side]
    if (faults.drops.size > 0) {
      faults.dropped++
      faults.lost++
      return
    }
    const { clock, prng } = this.deps
    const now = clock.now()
    const bandwidth = faults.slows.size === 0 ? this.bandwidthBytesPerSec : slowest(this.bandwidthBytesPerSec, faults.slows.values())
    const start = Math.max(now, dir.busyUntil)
    dir.busyUntil = start + (bandwidth > 0 ? (chunk.byteLength * 1000) / bandwidth : 0)
    const jitter = this.opts.jitterMs > 0 ? prng.int(0, this.opts.jitterMs) : 0
    const at = Math.max(dir.lastAt, Math.ceil(dir.busyUntil) + this.latencyMs + jitter)
    dir.lastAt = at
    const timer = clock.setTimeout(() => {
      dir.timers.delete(timer)
      this.deliver(dir, chunk)
    }, at - now)
    dir.timers.set(timer, chunk)
  }

  private deliver (dir: Direction, chunk: Buffer): void {
    if (dir.to.destroyed || dir.to.destroying) return
    this.messages++
    this.bytes += chunk.byteLength
    if (this.deps.trace !== null && this.deps.trace.deliveries) this.deps.trace.record('d', { l: dir.label, n: chunk.byteLength }, this.causes.get(chunk))
    dir.to.write(chunk)
  }

  private onStreamClose (dir: Direction): void {
    if (this.dirs === null || this.fin !== null) return
    // The far end learns of the close after what is already on the wire.
    const { clock } = this.deps
    const gen = this.generation
    const at = Math.max(dir.lastAt, clock.now() + this.latencyMs)
    this.fin = clock.setTimeout(() => {
      this.fin = null
      if (gen !== this.generation) return
      this.cut()
      if (this.onclose !== null) this.onclose()
    }, at - clock.now())
  }
}

function noop (): void {}
