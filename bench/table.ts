import type { BenchReport, MetricResult, Summary } from './results'
import { describeMachine } from './machine'

type Row = [string, string, string, string, string, string]

const HEAD: Row = ['case', 'metric', 'ours', 'upstream 7.12.5', 'ratio', 'target']

/** Rows of the table: one per metric, and one per case that did not run. */
function rows (report: BenchReport): Row[] {
  const out: Row[] = []
  for (const c of report.cases) {
    for (const m of c.metrics) out.push([m.title ?? c.title, m.label, value(m, m.ours), value(m, m.upstream), ratioCell(m), targetCell(m)])
    if (c.metrics.every((m) => m.ours === null && m.upstream === null)) {
      const cell = (impl: 'ours' | 'upstream'): string => c.unavailable[impl] === undefined ? '—' : 'unavailable'
      out.push([c.title, '(did not run, see notes)', cell('ours'), cell('upstream'), '—', '—'])
    }
  }
  return out
}

function value (m: MetricResult, s: Summary | null): string {
  if (s === null) return '—'
  const spread = Number.isFinite(s.relativeMad) && s.samples.length > 1 ? ` ±${(s.relativeMad * 100).toFixed(0)}%` : ''
  return `${s.median.toFixed(m.digits ?? 1)} ${m.unit}${spread}`
}

function ratioCell (m: MetricResult): string {
  return m.ratio === null ? '—' : `${m.ratio.toFixed(2)}x`
}

function targetCell (m: MetricResult): string {
  if (m.target === null) return '—'
  const mark = m.met === null ? '' : m.met ? ' ✔' : ' ✘'
  return `≥${m.target.toFixed(1)}x${mark}`
}

/** A plain-text table for the terminal. */
export function textTable (report: BenchReport): string {
  const all = [HEAD, ...rows(report)]
  const widths = HEAD.map((_h, i) => Math.max(...all.map((r) => r[i]?.length ?? 0)))
  const line = (r: Row): string => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  return [header(report), '', line(HEAD), rule, ...rows(report).map(line), '', ...footer(report)].join('\n')
}

/** The README-ready markdown: machine, method, table. */
export function markdownTable (report: BenchReport): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|')
  const line = (r: Row): string => `| ${r.map(esc).join(' | ')} |`
  return [
    `${header(report)}`,
    '',
    line(HEAD),
    `|${HEAD.map((_h, i) => i >= 2 ? '---:' : '---').join('|')}|`,
    ...rows(report).map(line),
    '',
    ...footer(report).map((line, i) => i === 0 ? line + '\n' : `- ${line}`)
  ].join('\n')
}

function header (report: BenchReport): string {
  return `Benchmark of ${report.date.slice(0, 10)} on ${describeMachine(report.machine)}; ` +
    `${report.rounds} round${report.rounds === 1 ? '' : 's'}, medians (±: median absolute deviation).`
}

function footer (report: BenchReport): string[] {
  const notes = report.cases.flatMap((c) => [
    ...Object.entries(c.unavailable).map(([impl, why]) => `${c.id}: ${impl} unavailable: ${why}`),
    ...c.notes.map((n) => `${c.id}: ${n}`)
  ])
  return [
    `ratio = upstream/ours for times and bytes, ours/upstream for rates: >1 means ours is better. ${report.method} ` +
      `Command: \`${report.command}\` (${report.totalSeconds.toFixed(0)} s).`,
    ...notes
  ]
}
