/// <reference lib="dom" />
// The page's time window and row layout: zoom and pan change one transform (the
// `#scaled` group holds everything in virtual ms), relayout moves whole rows.
import type { ReportData, Row } from '../data'
import { formatTick, timeTickStep } from './format'

const SVG = 'http://www.w3.org/2000/svg'

/** A row as laid out now. */
export interface PlacedRow {
  row: Row
  /** Top, in px, or -1 while hidden. */
  y: number
}

/** The visible time window [t0, t1] of the plot, and where the rows are. */
export class View {
  readonly data: ReportData
  readonly plot: SVGSVGElement
  readonly labels: SVGSVGElement
  readonly axis: SVGSVGElement
  readonly scaled: SVGGElement
  t0 = 0
  t1 = 1
  width = 1
  placed: PlacedRow[] = []
  /** Called after every change of the window. */
  onchange: () => void = () => {}
  private readonly span: number
  private readonly minSpan: number
  /** Room left and right of the run, so that marks at its very start and end show whole. */
  private readonly pad: number

  constructor (data: ReportData) {
    this.data = data
    this.plot = byId('plot') as unknown as SVGSVGElement
    this.labels = byId('labels') as unknown as SVGSVGElement
    this.axis = byId('axis') as unknown as SVGSVGElement
    this.scaled = byId('scaled') as unknown as SVGGElement
    this.span = Math.max(1, data.endMs)
    // Finer than this, single-precision transforms start to shake marks by a pixel.
    this.minSpan = Math.max(1, this.span / 10_000)
    this.pad = this.span / 100
    this.t0 = -this.pad
    this.t1 = this.span + this.pad
  }

  /** Pixels per virtual ms. */
  get k (): number {
    return this.width / (this.t1 - this.t0)
  }

  /** Virtual time at x px from the plot's left edge. */
  tAt (x: number): number {
    return this.t0 + x / this.k
  }

  /** Shows the whole run. */
  fit (): void {
    this.set(-this.pad, this.span + this.pad)
  }

  /** Zooms by `factor` (>1 zooms in) keeping time `at` where it is on screen. */
  zoom (factor: number, at = (this.t0 + this.t1) / 2): void {
    const width = Math.min(this.span + 2 * this.pad, Math.max(this.minSpan, (this.t1 - this.t0) / factor))
    const ratio = (at - this.t0) / (this.t1 - this.t0)
    this.set(at - ratio * width, at - ratio * width + width)
  }

  /** Moves the window by `dt` virtual ms. */
  pan (dt: number): void {
    this.set(this.t0 + dt, this.t1 + dt)
  }

  /** Centers the window on `t`, keeping its width. */
  center (t: number): void {
    const w = this.t1 - this.t0
    this.set(t - w / 2, t + w / 2)
  }

  /** Sets the window, clamped to the run. */
  set (t0: number, t1: number): void {
    let w = Math.min(this.span + 2 * this.pad, Math.max(this.minSpan, t1 - t0))
    let a = Math.max(-this.pad, Math.min(t0, this.span + this.pad - w))
    if (!Number.isFinite(a)) a = -this.pad
    if (!Number.isFinite(w)) w = this.span + 2 * this.pad
    this.t0 = a
    this.t1 = a + w
    this.apply()
  }

  /** Re-reads the plot's width (after a resize) and redraws. */
  resize (): void {
    this.width = Math.max(1, this.plot.getBoundingClientRect().width)
    this.plot.setAttribute('width', String(this.width))
    this.apply()
  }

  /** Applies the window: one transform, then the axis. */
  apply (): void {
    const k = this.k
    this.scaled.setAttribute('transform', `translate(${-this.t0 * k},0) scale(${k},1)`)
    this.drawAxis()
    this.onchange()
  }

  /** Lays rows out top to bottom, skipping those `visible` rejects. */
  relayout (visible: (row: Row) => boolean): void {
    let y = 0
    this.placed = this.data.rows.map((row) => {
      const shown = visible(row)
      const group = document.getElementById(row.id)
      const label = this.labels.querySelector(`[data-row="${row.id}"]`)
      const display = shown ? '' : 'none'
      if (group !== null) {
        group.style.display = display
        if (shown) group.setAttribute('transform', `translate(0,${y})`)
      }
      if (label instanceof SVGElement) {
        label.style.display = display
        if (shown) label.setAttribute('y', String(y + row.h / 2 + 4))
      }
      const placed = { row, y: shown ? y : -1 }
      if (shown) y += row.h
      return placed
    })
    for (const svg of [this.plot, this.labels]) svg.setAttribute('height', String(Math.max(y, 1)))
    const bg = document.getElementById('bg')
    bg?.querySelectorAll('rect, line').forEach((el) => {
      el.setAttribute(el.tagName === 'line' ? 'y2' : 'height', String(y))
    })
  }

  /** The row shown at y px from the plot's top, if any. */
  rowAt (y: number): PlacedRow | null {
    for (const p of this.placed) if (p.y >= 0 && y >= p.y && y < p.y + p.row.h) return p
    return null
  }

  private drawAxis (): void {
    const step = timeTickStep(this.t1 - this.t0, Math.max(2, this.width / 90))
    const parts: string[] = []
    for (let t = Math.max(0, Math.ceil(this.t0 / step) * step); t <= this.t1; t += step) {
      const x = (t - this.t0) * this.k
      const anchor = x < 24 ? ' style="text-anchor:start"' : x > this.width - 24 ? ' style="text-anchor:end"' : ''
      parts.push(`<line x1="${x}" x2="${x}" y1="16" y2="22"/><text x="${x}" y="12"${anchor}>${formatTick(t, step)}</text>`)
    }
    this.axis.setAttribute('width', String(this.width))
    this.axis.innerHTML = parts.join('')
  }
}

/** The element with this id; throws if the page lacks it (a generator bug). */
export function byId (id: string): HTMLElement {
  const el = document.getElementById(id)
  if (el === null) throw new Error(`report page: no #${id}`)
  return el
}

/** Makes an SVG element with attributes. */
export function svgEl (tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG, tag) as SVGElement
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v))
  return el
}
