import type { FaultBand, Mark, MarkKind, ReportData, Row } from './data'
import { ROW_HEIGHT } from './layout'
import { volumeHeights } from './page/format'

/** Width of the label column, in px. */
export const LABEL_WIDTH = 92
/** Plot width the static SVG is drawn for; the page script fits it to the window at once. */
const INITIAL_PLOT_WIDTH = 1000

/** Where a mark sits in its row (top, bottom), by kind: steps above, sessions and GC below. */
const MARK_Y: Record<MarkKind, [number, number]> = {
  append: [2, 8],
  get: [2, 8],
  download: [2, 8],
  'open-session': [8, 14],
  'close-session': [8, 14],
  gc: [9, 15],
  race: [9, 15],
  inflight: [1, 15],
  app: [2, 10],
  step: [4, 12],
  other: [4, 12]
}

/** Escapes text for HTML and SVG, attributes included. */
export function esc (text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string)
}

/** A number for an attribute: at most 3 decimals, no exponent for ordinary values. */
function n (x: number): string {
  return String(Math.round(x * 1000) / 1000)
}

/**
 * The timeline as two SVGs side by side: the row labels, and the plot whose `#scaled`
 * group holds everything in virtual ms along x (the page zooms by changing that
 * group's transform alone; marks keep their width through non-scaling strokes).
 */
export function timelineSvg (data: ReportData): string {
  const height = totalHeight(data.rows)
  const span = Math.max(1, data.endMs)
  const minW = span / 2000
  const byId = new Map(data.rows.map((r) => [r.id, r]))
  const groups: string[] = []
  const g = (row: Row | undefined, body: string, attrs = ''): void => {
    if (row === undefined) return
    const hidden = row.quiet === true ? ' style="display:none"' : ''
    groups.push(`<g id="${esc(row.id)}" class="row ${row.kind}${row.quiet === true ? ' quiet' : ''}" transform="translate(0,${row.y})"${attrs}${hidden}>` +
      `<rect class="rowbg" x="0" y="0" width="${n(span)}" height="${row.h}"/>${body}</g>`)
  }
  const band = (from: number, to: number, y: number, h: number, cls: string, extra = ''): string =>
    `<rect class="${cls}" x="${n(from)}" y="${n(y)}" width="${n(Math.max(to - from, minW))}" height="${n(h)}"${extra}/>`
  const vline = (t: number, y1: number, y2: number, cls: string, extra = ''): string =>
    `<line class="${cls}" x1="${n(t)}" x2="${n(t)}" y1="${y1}" y2="${y2}"${extra}/>`

  // Full-height shading behind every row: the heal phase and the cool-down after it.
  const bg = data.phases.filter((ph) => ph.name !== 'faults' && ph.name !== 'setup')
    .map((ph) => band(ph.from, ph.to, 0, height, `shade ph-${esc(ph.name)}`)).join('') +
    data.heals.map((t) => vline(t, 0, height, 'heal-line')).join('')

  g(byId.get('row-phases'), data.phases.map((ph, i) => band(ph.from, ph.to, 2, ROW_HEIGHT.phases - 4, `phase ph-${esc(ph.name)}`, ` data-i="${i}"`)).join(''))
  g(byId.get('row-violations'), data.violations.map((v, i) =>
    `<a href="#${v.step === null ? 'violations' : `step-${v.step}`}" class="vlink">${vline(v.t, 1, ROW_HEIGHT.violations - 1, 'm violation', ` data-i="${i}"`)}</a>`).join(''))
  g(byId.get('row-faults'), data.faults.map((f, i) => faultRect(f, i, band)).join(''))
  g(byId.get('row-volume'), volumeBars(data))
  g(byId.get('row-events'), data.marks.filter((m) => m.p < 0).map((m) => markLine(m, vline, data.appOps)).join(''))

  const lanes: string[][] = Array.from({ length: data.peers }, () => [])
  const push = (p: number, svg: string): void => { lanes[p]?.push(svg) }
  for (const s of data.states) push(s.p, band(s.from, s.to, 0, ROW_HEIGHT.lane, `state ${s.state}`))
  data.faults.forEach((f, i) => {
    // A partition shades the lanes of its side; crashes and restarts show as lane state.
    if (f.f === 'partition' || (f.link === undefined && f.f !== 'crash' && f.f !== 'restart')) {
      for (const p of f.peers) push(p, band(f.from, f.to, 0, ROW_HEIGHT.lane, `pshade f-${cssName(f.f)}`, ` data-f="${i}"`))
    }
  })
  for (const m of data.marks) if (m.p >= 0) push(m.p, markLine(m, vline, data.appOps))
  for (const v of data.violations) if (v.peer !== undefined) push(v.peer, vline(v.t, 0, ROW_HEIGHT.lane, 'vhl'))
  lanes.forEach((body, p) => g(byId.get(`lane-${p}`), body.join(''), ` data-p="${p}"`))

  for (const link of data.links) {
    const body = link.down.map((d) => band(d.from, d.to, 2, ROW_HEIGHT.link - 4, `down why-${cssName(d.why.replace(/#\d+$|\s\d+\s/g, ''))}`)).join('') +
      link.faults.map((i) => {
        const f = data.faults[i] as FaultBand
        return band(f.from, f.to, 0, ROW_HEIGHT.link, `lfault f-${cssName(f.f)}`, ` data-f="${i}"`)
      }).join('')
    g(byId.get(`link-${link.name}`), body, ` data-a="${link.a}" data-b="${link.b}"`)
  }

  const labels = data.rows.map((r) => `<text class="label ${r.kind}${r.quiet === true ? ' quiet' : ''}" data-row="${esc(r.id)}" x="${LABEL_WIDTH - 6}" y="${r.y + r.h / 2 + 4}"${r.quiet === true ? ' style="display:none"' : ''}>${esc(r.label)}</text>`).join('')
  const scale = INITIAL_PLOT_WIDTH / span
  return `<div id="rows-wrap"><svg id="labels" width="${LABEL_WIDTH}" height="${height}" aria-hidden="true">${labels}</svg>` +
    `<svg id="plot" width="${INITIAL_PLOT_WIDTH}" height="${height}" role="img" aria-label="timeline of the run">` +
    `<g id="scaled" transform="scale(${n(scale)},1)"><g id="bg">${bg}</g>${groups.join('')}</g>` +
    '<g id="overlay"><line id="cursor" x1="-10" x2="-10" y1="0" y2="100%"/></g></svg></div>'
}

/** Height of the rows shown. */
export function totalHeight (rows: readonly Row[]): number {
  return rows.reduce((h, r) => r.quiet === true ? h : Math.max(h, r.y + r.h), 0)
}

function faultRect (f: FaultBand, i: number, band: (from: number, to: number, y: number, h: number, cls: string, extra?: string) => string): string {
  return band(f.from, f.to, 2 + f.row * ROW_HEIGHT.faultRow, ROW_HEIGHT.faultRow - 2, `band fault f-${cssName(f.f)} end-${f.ended}`, ` data-i="${i}"`)
}

function markLine (m: Mark, vline: (t: number, y1: number, y2: number, cls: string, extra?: string) => string, appOps: ReportData['appOps']): string {
  const [y1, y2] = MARK_Y[m.kind]
  const color = m.op === undefined ? undefined : appOps[m.op]?.[1]
  const attrs = (m.c === undefined ? '' : ` data-c="${m.c}"`) + (color === undefined ? '' : ` style="stroke:${color}"`)
  return vline(m.t, y1, y2, `m ${m.kind}${m.bad === true ? ' bad' : ''}`, attrs)
}

function volumeBars (data: ReportData): string {
  const { bucketMs, total } = data.volume
  const h = ROW_HEIGHT.volume - 2
  return '<g class="bars">' + volumeHeights(total, h).map((bar, i) => bar === 0
    ? ''
    : `<rect class="vol" x="${n(i * bucketMs)}" y="${n(h - bar + 1)}" width="${n(bucketMs)}" height="${n(bar)}"/>`).join('') + '</g>'
}

/** A kind or reason as a CSS class part: letters, digits and dashes. */
export function cssName (text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'x'
}
