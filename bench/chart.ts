// bench/RESULTS.svg: the table of bench/RESULTS.md as a chart. `npm run bench` writes
// it with the table; `npm run bench:chart` redraws it from bench/results.json alone.
import fs from 'fs'
import path from 'path'
import type { BenchReport, MetricResult } from './results'
import { describeMachine } from './machine'
import { ratio } from './stats'

const WIDTH = 960
const LABEL_W = 380
const PLOT_W = WIDTH - LABEL_W - 90
const ROW_H = 22
const HEAD_H = 64
const FOOT_H = 46
const COLORS = { met: '#16a34a', missed: '#dc2626', none: '#64748b', target: '#0f172a', parity: '#94a3b8' }

/** One row of the chart: a metric of a case, with the ratio of every round. */
interface ChartRow {
  group: string
  metric: MetricResult
  /** upstream/ours (or ours/upstream for rates) of each round: >1 means ours is better. */
  rounds: number[]
}

function rowsOf (report: BenchReport): ChartRow[] {
  const rows: ChartRow[] = []
  for (const c of report.cases) {
    for (const m of c.metrics) {
      if (m.ratio === null) continue
      const ours = m.ours?.samples ?? []
      const up = m.upstream?.samples ?? []
      // Samples are in round order for both stores, so index i pairs the runs of round i.
      const rounds = ours.slice(0, up.length).map((o, i) => ratio(o, up[i] as number, m.better)).filter(Number.isFinite)
      rows.push({ group: m.title ?? c.title, metric: m, rounds })
    }
  }
  return rows
}

function esc (text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string)
}

/**
 * The benchmark results as an SVG chart: per case and metric, the median ratio (bar
 * from parity), the ratio of every round (dots) and their spread (whisker), and the
 * target (a black tick); log scale, >1 means ours is better. Pure: report in, SVG out.
 */
export function benchChartSvg (report: BenchReport): string {
  const rows = rowsOf(report)
  const all = rows.flatMap((r) => [r.metric.ratio as number, ...r.rounds, ...(r.metric.target === null ? [] : [r.metric.target])])
  const lo = Math.min(0.5, ...all.map((v) => v / 1.15))
  const hi = Math.max(2, ...all.map((v) => v * 1.15))
  const x = (v: number): number => LABEL_W + ((Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * PLOT_W
  const groups = new Set(rows.map((r) => r.group)).size
  const lines = rows.length + groups
  const height = HEAD_H + lines * ROW_H + FOOT_H
  const f = (n: number): string => n.toFixed(1)
  const out: string[] = []
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`)
  out.push(`<title>corestore-ts vs upstream corestore: benchmark ratios</title><rect width="${WIDTH}" height="${height}" fill="#fff"/>`)
  out.push(`<text x="12" y="22" font-size="15" font-weight="600">corestore-ts vs ${esc(report.upstream)}: ratio per case and metric (&gt;1: ours is better)</text>`)
  out.push(`<text x="12" y="40" fill="#475569">${esc(`${report.date.slice(0, 10)}, ${describeMachine(report.machine)}; ${report.rounds} rounds; \`${report.command}\``)}</text>`)

  const ticks = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100].filter((v) => v >= lo && v <= hi)
  const top = HEAD_H - 8
  const bottom = HEAD_H + lines * ROW_H
  for (const v of ticks) {
    const tx = f(x(v))
    out.push(`<line class="tick" x1="${tx}" x2="${tx}" y1="${top}" y2="${bottom}" stroke="${v === 1 ? COLORS.parity : '#e2e8f0'}" stroke-width="${v === 1 ? 1.5 : 1}"/>`)
    out.push(`<text x="${tx}" y="${top - 2}" text-anchor="middle" fill="#475569" font-size="11">${v}x</text>`)
  }

  let group = ''
  let line = 0
  for (const r of rows) {
    if (r.group !== group) {
      group = r.group
      out.push(`<text class="case" x="12" y="${HEAD_H + line * ROW_H + ROW_H / 2 + 8}" font-weight="600">${esc(r.group)}</text>`)
      line++
    }
    const y = HEAD_H + line * ROW_H
    const mid = y + ROW_H / 2
    const m = r.metric
    const med = m.ratio as number
    const color = m.met === null ? COLORS.none : m.met ? COLORS.met : COLORS.missed
    if (line % 2 === 0) out.push(`<rect x="0" y="${y}" width="${WIDTH}" height="${ROW_H}" fill="#f8fafc"/>`)
    line++
    out.push(`<g class="metric" data-case="${esc(r.group)}" data-metric="${esc(m.key)}">`)
    out.push(`<text x="${LABEL_W - 10}" y="${mid + 4}" text-anchor="end">${esc(m.label.length > 56 ? m.label.slice(0, 55) + '…' : m.label)}</text>`)
    const [a, b] = [x(Math.min(1, med)), x(Math.max(1, med))]
    out.push(`<rect class="ratio" x="${f(a)}" y="${mid - 5}" width="${f(Math.max(1, b - a))}" height="10" fill="${color}" fill-opacity="0.75"><title>${esc(`${m.label}: median ratio ${med.toFixed(2)}x${m.target === null ? '' : `, target ≥${m.target}x`}`)}</title></rect>`)
    if (r.rounds.length > 1) {
      out.push(`<line class="spread" x1="${f(x(Math.min(...r.rounds)))}" x2="${f(x(Math.max(...r.rounds)))}" y1="${mid}" y2="${mid}" stroke="#0f172a" stroke-width="1"/>`)
    }
    for (const v of r.rounds) out.push(`<circle class="round" cx="${f(x(v))}" cy="${mid}" r="2.5" fill="#fff" stroke="#0f172a" stroke-width="1"><title>round: ${v.toFixed(2)}x</title></circle>`)
    if (m.target !== null) {
      out.push(`<line class="target" x1="${f(x(m.target))}" x2="${f(x(m.target))}" y1="${y + 2}" y2="${y + ROW_H - 2}" stroke="${COLORS.target}" stroke-width="2.5"><title>target ≥${m.target}x</title></line>`)
    }
    out.push(`<text x="${WIDTH - 80}" y="${mid + 4}" fill="${color}">${med.toFixed(2)}x${m.met === null ? '' : m.met ? ' ✔' : ' ✘'}</text>`)
    out.push('</g>')
  }

  const ly = bottom + 24
  const key = (dx: number, svg: string, text: string): string => `<g transform="translate(${dx},${ly})">${svg}<text x="16" y="4">${esc(text)}</text></g>`
  out.push(key(12, `<rect x="0" y="-5" width="12" height="10" fill="${COLORS.met}" fill-opacity="0.75"/>`, 'median ratio, target met'))
  out.push(key(190, `<rect x="0" y="-5" width="12" height="10" fill="${COLORS.missed}" fill-opacity="0.75"/>`, 'target missed'))
  out.push(key(310, `<rect x="0" y="-5" width="12" height="10" fill="${COLORS.none}" fill-opacity="0.75"/>`, 'no target'))
  out.push(key(410, `<line x1="6" x2="6" y1="-7" y2="7" stroke="${COLORS.target}" stroke-width="2.5"/>`, 'target'))
  out.push(key(490, '<circle cx="6" cy="0" r="2.5" fill="#fff" stroke="#0f172a"/><line x1="-2" x2="14" y1="0" y2="0" stroke="#0f172a"/>', 'each round, and their spread (log scale)'))
  out.push('</svg>')
  return out.join('\n') + '\n'
}

/** Writes bench/RESULTS.svg from a report. */
export function writeBenchChart (report: BenchReport, dir: string): string {
  const file = path.join(dir, 'RESULTS.svg')
  fs.writeFileSync(file, benchChartSvg(report))
  return file
}

if (require.main === module) {
  const dir = path.join(__dirname, '..', '..', 'bench')
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as BenchReport
  console.log(`wrote ${path.relative(process.cwd(), writeBenchChart(report, dir))} from bench/results.json`)
}
