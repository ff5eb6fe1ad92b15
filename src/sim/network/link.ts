import type { Duplex } from 'streamx'
import type { Clock, ClockTimer } from '../clock/virtual-clock'
import type { Prng } from '../random/prng'
import { captureStack, type Trace } from '../trace/trace'

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

/** A replication stream's raw side, with the Noise stream whose writes it carries (hypercore sets it). */
interface WithNoise { noiseStream?: { write: (...args: unknown[]) => unknown } }

/** One direction of a link: a FIFO of messages on the wire. */
class Direction {
  busyUntil = 0
  lastAt = 0
  readonly held: Buffer[] = []
  readonly timers = new Set<ClockTimer>()
  /** With stacks traced: the stack of the last plaintext write, the cause of the next chunk. */
  lastWrite: string | undefined

  constructor (readonly label: string, readonly from: LinkStream, readonly to: LinkStream) {}
}

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
 * lowers the bandwidth until `unslow()`. If a stream closes by itself (its store
 * closed it), the other end is destroyed once the messages already on the wire have
 * arrived, like a FIN.
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

  /** Starts carrying bytes between `streamA` (peer a's end) and `streamB` (peer b's end). */
  connect (streamA: LinkStream, streamB: LinkStream): void {
    if (this.dirs !== null) throw new Error(`link ${this.name} is connected already`)
    const gen = ++this.generation
    const ab = new Direction(`${this.a}>${this.b}`, streamA, streamB)
    const ba = new Direction(`${this.b}>${this.a}`, streamB, streamA)
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
    for (const dir of dirs) {
      for (const timer of dir.timers) this.deps.clock.clearTimeout(timer)
      dir.timers.clear()
      dir.held.length = 0
    }
    for (const dir of dirs) dir.from.destroy()
  }

  /** Holds every message sent from now on until `resume()`. */
  stall (): void {
    this.stalledFlag = true
  }

  /** Ends a stall: held messages leave now, in order. */
  resume (): void {
    if (!this.stalledFlag) return
    this.stalledFlag = false
    if (this.dirs === null) return
    for (const dir of this.dirs) {
      const held = dir.held.splice(0)
      for (const chunk of held) this.send(dir, chunk)
    }
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
    if (this.stalledFlag) {
      dir.held.push(chunk)
      return
    }
    const { clock, prng } = this.deps
    const now = clock.now()
    const bandwidth = this.bandwidthBytesPerSec
    const start = Math.max(now, dir.busyUntil)
    dir.busyUntil = start + (bandwidth > 0 ? (chunk.byteLength * 1000) / bandwidth : 0)
    const jitter = this.opts.jitterMs > 0 ? prng.int(0, this.opts.jitterMs) : 0
    const at = Math.max(dir.lastAt, Math.ceil(dir.busyUntil) + this.latencyMs + jitter)
    dir.lastAt = at
    const timer = clock.setTimeout(() => {
      dir.timers.delete(timer)
      this.deliver(dir, chunk)
    }, at - now)
    dir.timers.add(timer)
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

/**
 * Notes the stack of every plaintext write on the direction's Noise stream: the chunk of
 * ciphertext it becomes is emitted later, from a microtask, where the stack says nothing.
 */
function recordWrites (dir: Direction): void {
  const noise = (dir.from as unknown as WithNoise).noiseStream
  if (noise === undefined) return
  const write = noise.write
  noise.write = function (this: unknown, ...args: unknown[]) {
    dir.lastWrite = captureStack(noise.write as (...a: never[]) => unknown)
    return write.apply(this, args)
  }
}
