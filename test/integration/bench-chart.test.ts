// bench/RESULTS.svg: one row per compared metric, a dot per round, a tick per target,
// and the committed chart is the one bench/results.json draws.
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { benchChartSvg } from '../../bench/chart'
import type { BenchReport, MetricResult } from '../../bench/results'

const BENCH = path.join(__dirname, '..', '..', '..', 'bench')

function count (svg: string, needle: string): number {
  return svg.split(needle).length - 1
}

test('bench chart: every compared metric, every round and every target of results.json', (t) => {
  const report = JSON.parse(fs.readFileSync(path.join(BENCH, 'results.json'), 'utf8')) as BenchReport
  const svg = benchChartSvg(report)
  const metrics = report.cases.flatMap((c) => c.metrics).filter((m) => m.ratio !== null)
  t.ok(metrics.length > 10, `${metrics.length} metrics`)
  t.is(count(svg, '<g class="metric"'), metrics.length, 'one row per metric with a ratio')
  t.is(count(svg, '<rect class="ratio"'), metrics.length, 'one bar per median ratio')
  t.is(count(svg, '<line class="target"'), metrics.filter((m) => m.target !== null).length, 'one tick per target')
  const rounds = metrics.reduce((n, m) => n + Math.min(m.ours?.samples.length ?? 0, m.upstream?.samples.length ?? 0), 0)
  t.is(count(svg, '<circle class="round"'), rounds, `one dot per round (${rounds})`)
  t.is(count(svg, '<text class="case"'), new Set(metrics.map((m) => m.title ?? report.cases.find((c) => c.metrics.includes(m))?.title)).size, 'a heading per case')
  t.is(fs.readFileSync(path.join(BENCH, 'RESULTS.svg'), 'utf8'), svg, 'the committed RESULTS.svg is what results.json draws (npm run bench:chart)')
})

test('bench chart: a round\'s ratio pairs both stores\' runs of that round, >1 when ours is better', (t) => {
  const summary = (samples: number[]): MetricResult['ours'] => ({ median: samples[0] as number, relativeMad: 0, samples })
  const metric: MetricResult = { key: 'ms', label: 'time', unit: 'ms', better: 'lower', target: 1.5, ours: summary([10, 40]), upstream: summary([20, 20]), ratio: 2, met: true }
  const report: BenchReport = {
    date: '2026-01-01T00:00:00.000Z', command: 'npm run bench', rounds: 2, method: '', upstream: 'corestore 7', totalSeconds: 1,
    machine: { cpu: 'cpu', cores: 1, totalMemoryBytes: 2 ** 30, node: 'v20', platform: 'Linux' },
    cases: [{ id: 'x', title: 'case x', unavailable: {}, notes: [], metrics: [metric] }]
  }
  const svg = benchChartSvg(report)
  t.ok(svg.includes('<title>round: 2.00x</title>'), 'round 1: 20 ms upstream / 10 ms ours = 2x')
  t.ok(svg.includes('<title>round: 0.50x</title>'), 'round 2: 20 ms / 40 ms = 0.5x')
  t.ok(svg.includes('2.00x ✔'), 'the median ratio, target met')
  t.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), 'a standalone SVG file')
})
