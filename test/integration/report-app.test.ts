// A workload's run in the report (issue 22): each operation gets marks of its own colour
// and a legend entry; the app's life, its records and its final check are drawn too; the
// step list counts from 1 with the time each step finished, as the terminal does.
import test from 'brittle'
import { collectReport, renderReport } from '../../src/sim/report'
import { formatMs } from '../../src/sim/report/page/format'
import { TRACE_FORMAT, type TraceEvent } from '../../src/sim/trace/trace'
import { appTraceEvents } from '../helpers/report-fixtures'

test('report: app operations are marks of their own, one colour and legend entry per operation', (t) => {
  const data = collectReport(appTraceEvents(TRACE_FORMAT) as TraceEvent[])
  const html = renderReport(data)
  t.alike(data.appOps.map(([name]) => name), ['app up/down', 'put', 'get', 'record', 'final check'], 'in order of first appearance')
  t.is(new Set(data.appOps.map(([, color]) => color)).size, data.appOps.length, 'each its own colour')
  const app = data.marks.filter((m) => m.kind === 'app')
  const opName = (i: number | undefined): string | undefined => i === undefined ? undefined : data.appOps[i]?.[0]
  t.alike(app.filter((m) => m.s !== undefined && / · step \d+: /.test(m.tip)).map((m) => [m.p, opName(m.op)]), [[0, 'put'], [1, 'put'], [1, 'get']], 'one mark per operation step, on its peer')
  t.ok(app.some((m) => m.tip.includes('→ skipped (not a writer yet)')), 'a skipped operation says why')
  t.ok(app.some((m) => opName(m.op) === 'app up/down' && m.tip.includes('app on p1 dropped by a crash')), 'the app going down is drawn')
  t.absent(data.marks.some((m) => m.kind === 'other'), 'nothing is left grey')
  t.alike(data.unknownKinds, [], 'no unknown kinds')
  for (const [name, color] of data.appOps) t.ok(html.includes(`<span style="--c:${color}">app: ${name}</span>`), `legend: app: ${name}`)
  const put = data.appOps.find(([name]) => name === 'put')?.[1] ?? 'none'
  t.is(html.split(`class="m app" x1="100"`).length - 1, 1, 'the put mark is drawn')
  t.ok(new RegExp(`class="m app" x1="100"[^>]*style="stroke:${put}"`).test(html), 'in the colour of put')
})

test('report: the step list counts from 1 with the time each step finished, as the terminal does', (t) => {
  const data = collectReport(appTraceEvents(TRACE_FORMAT) as TraceEvent[])
  const html = renderReport(data)
  const first = /<li id="step-0"[^>]*><span class="si">([^<]*)<\/span><span class="st"[^>]*>([^<]*)<\/span>/.exec(html)
  t.alike([first?.[1], first?.[2]], ['1.', formatMs(140)], 'step 1 finished at 140 ms (it started at 100)')
  t.ok(/<li id="step-1"[^>]*>.*<span class="sr">skipped: not a writer yet<\/span>/.test(html), 'a skipped step says so')
  t.ok(html.includes('steps (4, each with the virtual time it finished at)'), 'the heading says which time')
})
