/// <reference lib="dom" />
// The peer and core filters: which rows, marks, bands and steps are shown.
import type { Mark, ReportData, Row, ViolationMark } from '../data'
import { volumeHeights } from './format'
import type { View } from './view'

/** Sizes the page needs to agree on with the generator's layout. */
export const ROW_PX = { faultRow: 9, hoverPx: 6 } as const

/** What the filters let through. */
export class Selection {
  /** Peers shown; null: all. */
  peers: Set<number> | null = null
  /** Cores shown; null: all. */
  cores: Set<number> | null = null
  /** Whether links with nothing but setup and teardown are shown. */
  showQuiet = false
  private readonly data: ReportData
  private volume: number[]

  constructor (data: ReportData) {
    this.data = data
    this.volume = data.volume.total
  }

  /** Whether a peer passes the peer filter. */
  peer (p: number): boolean {
    return this.peers === null || this.peers.has(p)
  }

  /** Whether a mark is shown (marks on hidden lanes do not count). */
  mark (m: Mark): boolean {
    return (m.p < 0 || this.peer(m.p)) && (m.c === undefined || this.cores === null || this.cores.has(m.c))
  }

  /** Whether a violation is shown. */
  violation (v: ViolationMark): boolean {
    return (v.peer === undefined || this.peer(v.peer)) && (v.core === undefined || this.cores === null || this.cores.has(v.core))
  }

  /** Whether a row is shown. */
  row (row: Row): boolean {
    if (row.kind === 'lane') return this.peer(row.p as number)
    if (row.kind !== 'link') return true
    const link = this.data.links.find((l) => l.name === row.link)
    if (link === undefined) return false
    if (row.quiet === true && !this.showQuiet) return false
    return this.peers === null || this.peer(link.a) || this.peer(link.b)
  }

  /** Bytes in a volume bucket, counting only the peers shown. */
  volumeAt (bucket: number): number {
    return this.volume[bucket] ?? 0
  }

  /** Applies the selection to the page. */
  apply (view: View): void {
    view.relayout((row) => this.row(row))
    const { data } = this
    const plot = view.plot
    plot.querySelectorAll<SVGElement>('.m[data-c]').forEach((el) => {
      const c = Number(el.getAttribute('data-c'))
      el.style.display = this.cores === null || this.cores.has(c) ? '' : 'none'
    })
    plot.querySelectorAll<SVGElement>('.m.violation').forEach((el) => {
      const v = data.violations[Number(el.getAttribute('data-i'))]
      el.style.display = v === undefined || this.violation(v) ? '' : 'none'
    })
    plot.querySelectorAll<SVGElement>('.band.fault').forEach((el) => {
      const f = data.faults[Number(el.getAttribute('data-i'))]
      const touches = f === undefined || this.peers === null || f.peers.length === 0 || f.peers.some((p) => this.peer(p))
      el.classList.toggle('dim', !touches)
    })
    for (const li of Array.from(document.querySelectorAll<HTMLElement>('#steps li'))) {
      const s = data.steps[Number(li.dataset.i)]
      const shown = s === undefined ||
        ((s.peers.length === 0 || this.peers === null || s.peers.some((p) => this.peer(p))) &&
          (s.cores.length === 0 || this.cores === null || s.cores.some((c) => this.cores?.has(c) === true)))
      li.classList.toggle('hidden', !shown)
    }
    this.volume = this.peers === null ? data.volume.total : this.peerVolume()
    this.drawVolume(view)
  }

  private peerVolume (): number[] {
    // Bytes each shown peer sent or received: a delivery between two shown peers counts for both.
    const out = new Array<number>(this.data.volume.total.length).fill(0)
    for (const p of this.peers ?? []) {
      for (const [bucket, bytes] of this.data.volume.peers[p] ?? []) out[bucket] = (out[bucket] as number) + bytes
    }
    return out
  }

  private drawVolume (view: View): void {
    const group = document.querySelector('#row-volume .bars')
    if (group === null) return
    const { bucketMs } = this.data.volume
    const h = (view.data.rows.find((r) => r.kind === 'volume')?.h ?? 36) - 2
    group.innerHTML = volumeHeights(this.volume, h).map((bar, i) => bar === 0
      ? ''
      : `<rect class="vol" x="${i * bucketMs}" y="${h - bar + 1}" width="${bucketMs}" height="${bar}"/>`).join('')
  }
}
