import { Link, type LinkOptions, type LinkStream, type OneWayMode } from './link'
import type { Prng } from '../random/prng'
import type { Trace } from '../trace/trace'
import type { Clock, ClockTimer } from '../clock/virtual-clock'

/** Dependencies of a network. */
export interface NetworkDeps {
  clock: Clock
  /** The network's generator: each link forks its own from it by name. */
  prng: Prng
  trace: Trace | null
  /** Opens a replication stream pair for peers a < b (a initiates), or null if either is down. */
  openStreams: (a: number, b: number) => [LinkStream, LinkStream] | null
}

/** Resolved options of a network (checked once, by `resolveSimOptions`). */
export interface NetworkOptions {
  /** Options of every link. */
  link: Readonly<Required<LinkOptions>>
  /** Delay before a link whose stream closed by itself reconnects, in ms. */
  reconnectDelayMs: number
}

/**
 * The links between peers and the faults on them. A link is up when both peers are
 * up and nothing blocks it; a block is a disconnect or a partition, and a link can be
 * blocked for several reasons at once. Stalls and slow-downs act on the link while it
 * stays up, one-way faults on one direction of it. A sleeping peer's links stay up
 * with nothing sent or delivered either way (`sleep`), and none is brought up until
 * it wakes.
 */
export class Network {
  /** Links by name (`a-b`, a < b). */
  readonly links = new Map<string, Link>()
  private readonly blocks = new Map<string, Set<string>>()
  private readonly deps: NetworkDeps
  private readonly linkOptions: Readonly<Required<LinkOptions>>
  private readonly reconnectDelayMs: number
  private readonly timers = new Set<ClockTimer>()
  private nextPartition = 1
  /** Sleeping peers and the reason tag of each sleep. */
  private readonly sleeping = new Map<number, string>()

  constructor (deps: NetworkDeps, opts: NetworkOptions) {
    this.deps = deps
    this.linkOptions = opts.link
    this.reconnectDelayMs = opts.reconnectDelayMs
  }

  /** The link between two peers, if it exists. */
  link (a: number, b: number): Link | undefined {
    return this.links.get(linkName(a, b))
  }

  /** Every link touching peer `i`. */
  linksOf (i: number): Link[] {
    return [...this.links.values()].filter((l) => l.a === i || l.b === i)
  }

  /** Adds a link between two peers (if missing) and brings it up if it can be. */
  connect (x: number, y: number): Link {
    const [a, b] = order(x, y)
    let link = this.links.get(linkName(a, b))
    if (link === undefined) {
      link = new Link(a, b, this.linkOptions, { clock: this.deps.clock, prng: this.deps.prng.fork(`link/${a}-${b}`), trace: this.deps.trace })
      const created = link
      link.onclose = () => this.onLinkClosed(created)
      this.links.set(link.name, link)
    }
    this.bringUp(link)
    return link
  }

  /** True if the link exists and nothing blocks it. */
  unblocked (link: Link): boolean {
    return (this.blocks.get(link.name)?.size ?? 0) === 0
  }

  private bringUp (link: Link): void {
    if (link.connected || !this.unblocked(link) || this.sleeping.has(link.a) || this.sleeping.has(link.b)) return
    const streams = this.deps.openStreams(link.a, link.b)
    if (streams === null) return
    link.connect(streams[0], streams[1])
    this.deps.trace?.record('link-up', { l: link.name })
  }

  private onLinkClosed (link: Link): void {
    this.deps.trace?.record('link-down', { l: link.name, why: 'closed' })
    if (this.reconnectDelayMs === 0) return this.bringUp(link)
    const timer = this.deps.clock.setTimeout(() => {
      this.timers.delete(timer)
      this.bringUp(link)
    }, this.reconnectDelayMs)
    this.timers.add(timer)
  }

  private takeDown (link: Link, why: string): void {
    if (!link.connected) return
    link.cut()
    this.deps.trace?.record('link-down', { l: link.name, why })
  }

  /** Blocks a link for `reason` (cutting it); it comes back when every reason is lifted. */
  block (x: number, y: number, reason: string): void {
    const link = this.connect(x, y)
    let reasons = this.blocks.get(link.name)
    if (reasons === undefined) this.blocks.set(link.name, (reasons = new Set()))
    reasons.add(reason)
    this.takeDown(link, reason)
  }

  /** Lifts one reason a link was blocked for. */
  unblock (x: number, y: number, reason: string): void {
    const link = this.link(x, y)
    if (link === undefined) return
    const reasons = this.blocks.get(link.name)
    reasons?.delete(reason)
    if (reasons !== undefined && reasons.size === 0) this.blocks.delete(link.name)
    this.bringUp(link)
  }

  /** Cuts every existing link between `side` and the other peers; returns the partition's reason tag. */
  partition (side: readonly number[]): string {
    const tag = `partition#${this.nextPartition++}`
    const inside = new Set(side)
    for (const link of [...this.links.values()]) {
      if (inside.has(link.a) !== inside.has(link.b)) this.block(link.a, link.b, tag)
    }
    return tag
  }

  /** Lifts a partition made by `partition()`. */
  healPartition (tag: string): void {
    for (const [name, reasons] of [...this.blocks]) {
      if (!reasons.has(tag)) continue
      const link = this.links.get(name) as Link
      this.unblock(link.a, link.b, tag)
    }
  }

  /** Peer `i`'s ends of its connected links. */
  streamsOf (i: number): LinkStream[] {
    return this.linksOf(i).flatMap((l) => l.streamOf(i) ?? [])
  }

  /**
   * A one-way fault on what `from` sends to `to` (see Link.oneWay), tagged `reason`;
   * creates the link if missing. Returns the link.
   */
  oneWay (from: number, to: number, reason: string, mode: OneWayMode, bandwidthBytesPerSec?: number): Link {
    const link = this.connect(from, to)
    link.oneWay(from, reason, mode, bandwidthBytesPerSec)
    return link
  }

  /**
   * Lifts a one-way fault. A direction that dropped messages leaves its connection
   * broken (the other end lost bytes of a reliable stream): the link is reset (cut and
   * brought up again), as the transport would once it gave up.
   */
  liftOneWay (from: number, to: number, reason: string): void {
    const link = this.link(from, to)
    if (link === undefined) return
    if (link.liftOneWay(from, reason)) {
      this.takeDown(link, `${reason} reset`)
      this.bringUp(link)
    }
  }

  /** True while peer `i` sleeps. */
  asleep (i: number): boolean {
    return this.sleeping.has(i)
  }

  /**
   * Peer `i` falls asleep: on each of its links nothing it sends leaves and nothing
   * reaches it (what was on the wire toward it waits too); links stay up, and none is
   * brought up until `wake`. `reason` tags the holds.
   */
  sleep (i: number, reason: string): void {
    if (this.sleeping.has(i)) throw new Error(`peer ${i} is asleep already`)
    this.sleeping.set(i, reason)
    for (const link of this.linksOf(i)) {
      link.hold(i, reason, false)
      link.hold(link.a === i ? link.b : link.a, reason, true)
    }
  }

  /** Peer `i` wakes: what its links held leaves now, in order; links down meanwhile come up (unless not `bringUp`: it died asleep). */
  wake (i: number, bringUp = true): void {
    const reason = this.sleeping.get(i)
    if (reason === undefined) return
    this.sleeping.delete(i)
    for (const link of this.linksOf(i)) {
      const broken = link.liftOneWay(link.a, reason)
      if (link.liftOneWay(link.b, reason) || broken) this.takeDown(link, `${reason} reset`)
      if (bringUp) this.bringUp(link)
    }
  }

  /** Takes down every link of a peer that went down (crash or close); no block is added. */
  peerDown (i: number): void {
    for (const link of this.linksOf(i)) this.takeDown(link, `peer ${i} down`)
  }

  /** Brings up every unblocked link of a peer that came back. */
  peerUp (i: number): void {
    for (const link of this.linksOf(i)) this.bringUp(link)
  }

  /**
   * Lifts every fault: blocks, stalls, slow-downs, one-way faults and sleeps (the caller
   * wakes the sleepers' stores); brings every link up that can be. A direction that
   * dropped messages has its link reset, as `liftOneWay` does.
   */
  healAll (): void {
    this.blocks.clear()
    this.sleeping.clear()
    for (const link of this.links.values()) {
      link.resume()
      link.unslow()
      if ((link.faultedFrom(link.a) || link.faultedFrom(link.b)) && link.liftAllOneWay()) this.takeDown(link, 'one-way reset')
      this.bringUp(link)
    }
  }

  /** Cuts every link and cancels pending reconnects (teardown). */
  cutAll (): void {
    for (const timer of this.timers) this.deps.clock.clearTimeout(timer)
    this.timers.clear()
    for (const link of this.links.values()) this.takeDown(link, 'teardown')
  }

  /** Messages and bytes delivered over every link. */
  stats (): { messages: number, bytes: number } {
    let messages = 0
    let bytes = 0
    for (const link of this.links.values()) {
      messages += link.messages
      bytes += link.bytes
    }
    return { messages, bytes }
  }
}

/** The name of the link between two peers. */
export function linkName (x: number, y: number): string {
  const [a, b] = order(x, y)
  return `${a}-${b}`
}

function order (x: number, y: number): [number, number] {
  if (x === y) throw new RangeError(`a link needs two peers, got ${x} twice`)
  return x < y ? [x, y] : [y, x]
}
