import type { LinkRow, Volume } from './data'
import { tickStep } from './page/format'

/** Buckets the volume chart aims for over a whole run. */
const VOLUME_BUCKETS = 400

interface LinkState {
  row: LinkRow
  /** Start of the open down period, or null while up (or never up). */
  downSince: number | null
  why: string
}

/**
 * The links of a run as the trace tells them: when each was down and why, which
 * faults named it, and every delivery (`d` lines), bucketed over time at the end.
 */
export class LinkTracker {
  private readonly links = new Map<string, LinkState>()
  // Deliveries as flat [t, from, to, bytes] quadruples: a run can have millions.
  private deliveries: number[] = []
  private messages = 0
  private bytes = 0

  /** A `link-up` line. */
  up (t: number, name: string): void {
    const link = this.get(name)
    if (link === null || link.downSince === null) return
    link.row.down.push({ from: link.downSince, to: t, why: link.why })
    link.row.eventful = true
    link.downSince = null
  }

  /** A `link-down` line. Teardown is not drawn: every link goes down then. */
  down (t: number, name: string, why: string): void {
    const link = this.get(name)
    if (link === null || why === 'teardown' || link.downSince !== null) return
    link.downSince = t
    link.why = why
  }

  /** A `d` line: `n` bytes delivered on direction `label` (`from>to`). */
  deliver (t: number, label: string, n: number): void {
    const m = /^(\d+)>(\d+)$/.exec(label)
    if (m === null) return
    const from = Number(m[1])
    const to = Number(m[2])
    this.deliveries.push(t, from, to, n)
    this.messages++
    this.bytes += n
    const link = this.get(from < to ? `${from}-${to}` : `${to}-${from}`)
    if (link !== null) link.row.bytes += n
  }

  /** A fault (index into the report's faults) that names link `name`. */
  fault (name: string, index: number): void {
    const link = this.get(name)
    if (link === null) return
    link.row.faults.push(index)
    link.row.eventful = true
  }

  /** Closes open down periods at `endMs` and buckets the deliveries. */
  finish (endMs: number, peers: number): { links: LinkRow[], volume: Volume } {
    const links: LinkRow[] = []
    for (const link of this.links.values()) {
      if (link.downSince !== null) {
        link.row.down.push({ from: link.downSince, to: endMs, why: link.why })
        link.row.eventful = true
      }
      links.push(link.row)
    }
    links.sort((x, y) => x.a - y.a || x.b - y.b)
    return { links, volume: this.volume(endMs, peers) }
  }

  private volume (endMs: number, peers: number): Volume {
    const bucketMs = Math.max(1, tickStep(Math.max(endMs, 1), VOLUME_BUCKETS))
    const count = Math.floor(endMs / bucketMs) + 1
    const total = new Array<number>(count).fill(0)
    const byPeer = Array.from({ length: peers }, () => new Map<number, number>())
    const d = this.deliveries
    for (let i = 0; i < d.length; i += 4) {
      const bucket = Math.min(count - 1, Math.floor((d[i] as number) / bucketMs))
      const n = d[i + 3] as number
      total[bucket] = (total[bucket] as number) + n
      for (const p of [d[i + 1] as number, d[i + 2] as number]) {
        const map = byPeer[p]
        if (map !== undefined) map.set(bucket, (map.get(bucket) ?? 0) + n)
      }
    }
    this.deliveries = []
    return {
      bucketMs,
      total,
      peers: byPeer.map((m) => [...m.entries()].sort((x, y) => x[0] - y[0])),
      messages: this.messages,
      bytes: this.bytes
    }
  }

  private get (name: string): LinkState | null {
    let link = this.links.get(name)
    if (link !== undefined) return link
    const m = /^(\d+)-(\d+)$/.exec(name)
    if (m === null) return null
    const a = Number(m[1])
    const b = Number(m[2])
    link = { row: { name, a: Math.min(a, b), b: Math.max(a, b), down: [], faults: [], bytes: 0, eventful: false }, downSince: null, why: '' }
    this.links.set(name, link)
    return link
  }
}
