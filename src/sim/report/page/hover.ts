/// <reference lib="dom" />
// What the pointer is over: the nearest mark within a few pixels on the row under it,
// else the band or span there. Answers come from the embedded data, not the DOM, so
// that a 1-pixel mark is as easy to hit as a wide band.
import type { FaultBand, Mark, ReportData, ViolationMark } from '../data'
import { ROW_PX, type Selection } from './filters'
import { formatBytes, formatMs } from './format'
import type { View } from './view'

/** Lines a tooltip lists at most. */
const MAX_LINES = 8

/** What a hover found: text for the tooltip, and the step it belongs to, if any. */
export interface Hit {
  text: string
  step?: number
  /** Virtual time of the thing hit, for the cursor line. */
  t: number
}

/** Hit tests over the report's data. */
export class Hover {
  private readonly data: ReportData
  private readonly view: View
  private readonly byPeer = new Map<number, Mark[]>()
  private readonly selection: Selection

  constructor (view: View, selection: Selection) {
    this.view = view
    this.data = view.data
    this.selection = selection
    for (const m of this.data.marks) {
      let list = this.byPeer.get(m.p)
      if (list === undefined) this.byPeer.set(m.p, (list = []))
      list.push(m)
    }
    for (const list of this.byPeer.values()) list.sort((a, b) => a.t - b.t)
  }

  /** What is at (x, y), in px from the plot's top-left corner. */
  at (x: number, y: number): Hit | null {
    const placed = this.view.rowAt(y)
    if (placed === null) return null
    const { row } = placed
    const t = this.view.tAt(x)
    const tol = ROW_PX.hoverPx / this.view.k
    const d = this.data
    switch (row.kind) {
      case 'phases': {
        const ph = d.phases.find((p) => t >= p.from && t <= p.to)
        return ph === undefined ? null : { t, text: `${ph.name} phase: ${formatMs(ph.from)} → ${formatMs(ph.to)}` }
      }
      case 'violations': {
        const v = nearest(d.violations.filter((v) => this.selection.violation(v)), t, tol)
        return v === null ? null : { t: v.t, text: violationText(v), ...(v.step === null ? {} : { step: v.step }) }
      }
      case 'faults': {
        const r = Math.floor((y - placed.y - 2) / ROW_PX.faultRow)
        const f = d.faults.find((b) => b.row === r && t >= b.from - tol && t <= Math.max(b.to, b.from + tol))
        return f === undefined ? null : { t, text: f.tip }
      }
      case 'volume': {
        const bucket = Math.floor(t / d.volume.bucketMs)
        const bytes = this.selection.volumeAt(bucket)
        return { t, text: `${formatMs(bucket * d.volume.bucketMs)} → ${formatMs((bucket + 1) * d.volume.bucketMs)}: ${formatBytes(bytes)} delivered${this.selection.peers === null ? '' : ' to or from the peers shown'}` }
      }
      case 'events':
      case 'lane': {
        const p = row.kind === 'lane' ? row.p as number : -1
        const shown = (this.byPeer.get(p) ?? []).filter((q) => this.selection.mark(q))
        const m = nearest(shown, t, tol)
        if (m !== null) {
          // Marks drawn on the same pixels are listed together.
          const here = shown.filter((q) => Math.abs(q.t - m.t) <= 2 / this.view.k)
          const lines = here.slice(0, MAX_LINES).map((q) => q.tip + (q.s === undefined ? '' : ` (step ${q.s + 1})`))
          if (here.length > MAX_LINES) lines.push(`... and ${here.length - MAX_LINES} more here: zoom in`)
          return { t: m.t, text: lines.join('\n'), ...(m.s === undefined ? {} : { step: m.s }) }
        }
        if (p < 0) return null
        return { t, text: this.laneText(p, t) }
      }
      case 'link': {
        const link = d.links.find((l) => l.name === row.link)
        if (link === undefined) return null
        const f = link.faults.map((i) => d.faults[i] as FaultBand).find((b) => t >= b.from && t <= b.to)
        if (f !== undefined) return { t, text: f.tip }
        const down = link.down.find((s) => t >= s.from && t <= s.to)
        if (down !== undefined) return { t, text: `link ${link.name} down (${down.why}): ${formatMs(down.from)} → ${formatMs(down.to)}` }
        return { t, text: `link ${link.name}: ${formatBytes(link.bytes)} delivered over the run` }
      }
    }
  }

  private laneText (p: number, t: number): string {
    const lines: string[] = []
    const state = this.data.states.find((s) => s.p === p && t >= s.from && t <= s.to)
    lines.push(state === undefined ? `p${p} up at ${formatMs(t)}` : `p${p} ${state.state}: ${formatMs(state.from)} → ${formatMs(state.to)}`)
    for (const f of this.data.faults) {
      if (f.f === 'partition' && t >= f.from && t <= f.to && f.peers.includes(p)) lines.push(f.tip)
    }
    return lines.join('\n')
  }
}

/** The item nearest to `t` within `tol`, in a list sorted by time or not. */
function nearest<T extends { t: number }> (items: readonly T[], t: number, tol: number): T | null {
  let best: T | null = null
  let dist = tol
  for (const item of items) {
    const dd = Math.abs(item.t - t)
    if (dd <= dist) {
      best = item
      dist = dd
    }
  }
  return best
}

/** One violation as the tooltip and the list say it. */
export function violationText (v: ViolationMark): string {
  const where = [v.step === null ? null : `step ${v.step + 1}`, v.peer === undefined ? null : `p${v.peer}`, v.core === undefined ? null : `c${v.core}`]
    .filter((x) => x !== null).join(', ')
  return `${formatMs(v.t)} · violation: ${v.invariant}${where.length > 0 ? ` (${where})` : ''}\n${v.detail}`
}
