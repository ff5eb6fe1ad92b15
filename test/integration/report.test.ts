// The HTML report drawn from a trace, without a browser: what the generator puts on
// the page must match what the trace holds, line for line. report-browser.test.ts
// checks the same pages in Chromium.
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { collectReport, renderReport } from '../../src/sim/report'
import { parseTrace, readTraceFile, TraceReadError } from '../../src/sim/trace/reader'
import { TRACE_FORMAT, type TraceEvent } from '../../src/sim/trace/trace'
import { runScenario } from '../../src/sim/scenario/runner'
import { replayCommand } from '../../src/sim/trace/summary'
import { tmpDir } from '../helpers/create'
import { cli, STACK } from '../helpers/cli'
import { EVERY_KIND, PLANTED_FAILURE, traceRun } from '../helpers/report-fixtures'

function count (html: string, needle: string): number {
  return html.split(needle).length - 1
}

function ofKind (events: readonly TraceEvent[], kind: string): TraceEvent[] {
  return events.filter((e) => e.k === kind)
}

test('report: every fault, GC close, step and peer state of a run is drawn', { timeout: 120_000 }, async (t) => {
  const dir = await tmpDir(t)
  const { trace } = await traceRun(EVERY_KIND, dir, 'every')
  const events = parseTrace(fs.readFileSync(trace, 'utf8'))
  const data = collectReport(events, { replay: 'npx corestore-sim replay every.json' })
  const html = renderReport(data)

  t.is(count(html, 'class="row lane"'), EVERY_KIND.peers, 'one lane per peer')
  const faults = ofKind(events, 'fault')
  t.is(faults.length, 6, 'the scenario injects six faults')
  t.is(count(html, 'class="band fault '), faults.length, 'one band per fault line')
  t.alike(data.faults.map((f) => f.id), faults.map((f) => f.id), 'bands carry the ids of their fault lines')
  const ended = Object.fromEntries(data.faults.map((f) => [f.f, f.ended]))
  t.alike(ended, { disconnect: 'lift', stall: 'lift', slow: 'lift', partition: 'heal', crash: 'lift', restart: 'lift' }, 'timed faults end at their lift, the partition at the heal')
  const stall = data.faults.find((f) => f.f === 'stall')
  t.is(stall?.to, ofKind(events, 'lift').find((e) => e.f === 'stall')?.t, 'a band ends when its lift was traced')

  const gc = ofKind(events, 'gc')
  t.ok(gc.length > 0, `GC closed ${gc.length} cores`)
  t.is(count(html, 'class="m gc"'), gc.length, 'one GC mark per gc line')
  t.is(count(html, 'class="m race'), ofKind(events, 'race').length, 'one mark per GC race')
  t.is(count(html, 'class="m append"'), 2, 'appends are marks')
  t.is(count(html, 'class="m get bad"'), 1, 'the get across the partition failed, and looks it')
  t.is(count(html, 'class="m violation"'), 0, 'no violation, no red mark')

  const crashed = data.states.filter((s) => s.state === 'crashed')
  t.alike(crashed.map((s) => [s.p, s.from, s.to]), [[1, ofKind(events, 'crash')[0]?.t, ofKind(events, 'restart').find((e) => e.p === 1)?.t]], 'p1 is crashed from its crash to its restart')
  t.ok(data.states.some((s) => s.p === 0 && s.state === 'restarting'), 'p0 restarts')

  const link01 = data.links.find((l) => l.name === '0-1')
  t.ok(link01?.down.some((d) => d.why.startsWith('disconnect#')), 'the disconnected link is down for the disconnect')
  t.is(data.links.find((l) => l.name === '0-2')?.faults.length, 1, 'the slow link carries its fault')
  t.ok(data.links.find((l) => l.name === '1-2')?.down.some((d) => d.why.startsWith('partition#')), 'the partition cuts p2 off')

  t.is(count(html, '<li id="step-'), EVERY_KIND.steps.length, 'one row per step')
  t.ok(/<li id="step-15" class="step failed"/.test(html), 'the failed step is marked failed')
  t.alike(data.phases.map((p) => p.name), ['faults', 'heal', 'cooldown'])
  const bytes = ofKind(events, 'd').reduce((n, e) => n + (e.n as number), 0)
  t.is(data.volume.total.reduce((a, b) => a + b, 0), bytes, 'the traffic chart holds every delivered byte')
  t.ok(html.includes('<code id="replay">npx corestore-sim replay every.json</code>'), 'the replay command given is shown')

  t.absent(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i.test(html), 'nothing is loaded from the network')
  t.absent(/<link[^>]+stylesheet|@import|<script[^>]+src=/i.test(html), 'no external style sheet or script')
})

test('report: a generated run carries the command that replays it', { timeout: 120_000 }, async (t) => {
  const dir = await tmpDir(t)
  const file = path.join(dir, 'gen.jsonl')
  const args = { seed: 5, peers: 3, cores: 2, steps: 30, durationMs: 20_000, store: 'project' }
  await runScenario({ ...args, trace: { file } })
  const data = collectReport(parseTrace(fs.readFileSync(file, 'utf8')))
  t.is(data.replay, replayCommand(args), 'rebuilt from the trace alone')
  const given = collectReport(parseTrace(fs.readFileSync((await traceRun(EVERY_KIND, dir, 'given')).trace, 'utf8')))
  t.is(given.replay, null, 'a scenario given as data is not replayed by `run --seed`')
  t.ok(renderReport(given).includes('id="replay-none"'), 'and the page says why there is none')
})

test('report: lines and steps of kinds it does not know are drawn generically', (t) => {
  const events: TraceEvent[] = [
    { t: 0, k: 'sim', fmt: TRACE_FORMAT, seed: 1, peers: 2, cores: 1, store: 'project' },
    { t: 10, k: 'step', i: 0, s: { kind: 'shuffle', peer: 1, op: 'put', args: { key: 'a' } } },
    { t: 12, k: 'op-done', p: 1, c: 0, ms: 2 },
    { t: 12, k: 'res', i: 0, ok: true },
    { t: 20, k: 'disk-note', detail: 'slow fsync' },
    { t: 30, k: 'step', i: 1, s: { kind: 'disk-full', peer: 0 } },
    { t: 30, k: 'fault', f: 'disk-full', id: 9, p: 0 },
    { t: 30, k: 'res', i: 1, ok: true },
    { t: 90, k: 'lift', f: 'disk-full', id: 9 },
    { t: 95, k: 'step', i: 2, s: { kind: 'op', peer: 1, op: 'put', args: { key: 'a' } } }
  ]
  const data = collectReport(events)
  const html = renderReport(data)
  t.alike(data.unknownKinds, [['op-done', 1], ['disk-note', 1]])
  t.ok(data.marks.some((m) => m.kind === 'other' && m.p === 1 && m.c === 0 && m.tip.includes('p1 op-done c0 ms=2')), 'a line naming a peer is a grey mark on its lane')
  t.ok(data.marks.some((m) => m.kind === 'other' && m.p === -1 && m.tip.includes('slow fsync')), 'a line naming none goes on the events row')
  t.ok(html.includes('id="row-events"'), 'which is drawn')
  t.ok(data.marks.some((m) => m.kind === 'step' && m.p === 1 && m.tip.includes('p1 shuffle op="put"')), 'an unknown step kind is a mark on its peer')
  t.is(data.steps[0]?.text, 'p1 shuffle op="put" args={"key":"a"}', 'and a readable line in the step list')
  t.is(data.steps[2]?.text, 'p1 put {"key":"a"}', 'a workload operation (a known kind) reads as describeStep writes it')
  const disk = data.faults.find((f) => f.f === 'disk-full')
  t.alike([disk?.from, disk?.to, disk?.ended, disk?.peers], [30, 90, 'lift', [0]], 'an unknown fault kind is a band too')
  t.is(count(html, 'class="pshade f-disk-full"'), 1, 'shading the lane of its peer')
  t.ok(html.includes('op-done ×1'), 'the legend names the kinds drawn generically')
})

test('report: lifts pair with their fault by id, or by kind in traces without ids', (t) => {
  const head: TraceEvent = { t: 0, k: 'sim', fmt: TRACE_FORMAT, seed: 1, peers: 3, cores: 0, store: 'project' }
  const byId = collectReport([head,
    { t: 10, k: 'fault', f: 'stall', id: 1, l: '0-1' },
    { t: 20, k: 'fault', f: 'stall', id: 2, l: '1-2' },
    { t: 30, k: 'lift', f: 'stall', id: 2 },
    { t: 40, k: 'fault', f: 'partition', id: 3, side: [2] },
    { t: 50, k: 'heal' },
    { t: 60, k: 'end' }])
  t.alike(byId.faults.map((f) => [f.id, f.from, f.to, f.ended]), [[1, 10, 50, 'heal'], [2, 20, 30, 'lift'], [3, 40, 50, 'heal']])
  t.ok(byId.faultRows >= 2, 'overlapping faults take separate rows')
  const legacy = collectReport([head,
    { t: 10, k: 'fault', f: 'stall', l: '0-1' },
    { t: 20, k: 'lift', f: 'stall' },
    { t: 30, k: 'fault', f: 'slow', l: '0-1', bps: 100 }])
  t.alike(legacy.faults.map((f) => [f.from, f.to, f.ended]), [[10, 20, 'lift'], [30, 30, 'end']], 'a fault still on when the trace ends says so')
})

const BAD: Array<[string, string, string, number, RegExp]> = [
  ['not JSON', `{"t":0,"k":"sim","fmt":${TRACE_FORMAT}}\n{"t":1,"k":"x"}\nhello world\n`, 'TRACE_NOT_JSONL', 3, /:3: not JSON: "hello world"$/],
  ['not an event', `{"t":0,"k":"sim","fmt":${TRACE_FORMAT}}\n[1,2]\n`, 'TRACE_NOT_JSONL', 2, /:2: not a trace event/],
  ['truncated', `{"t":0,"k":"sim","fmt":${TRACE_FORMAT}}\n{"t":1,"k":"x"}\n{"t":2,"k":"d","l":"0>`, 'TRACE_TRUNCATED', 3, /:3: truncated mid-line/],
  ['another format', '{"t":0,"k":"sim","fmt":99}\n', 'TRACE_FORMAT', 1, new RegExp(`:1: trace has format 99; this corestore-sim reads format ${TRACE_FORMAT}$`)],
  ['no format', '{"t":0,"k":"sim"}\n', 'TRACE_FORMAT', 1, /:1: trace has no format version/],
  ['not a sim trace', '{"t":0,"k":"step"}\n', 'TRACE_NOT_SIM', 1, /:1: not a corestore-sim trace/]
]

test('report: a bad trace is a one-line error naming the line, exit 2, and nothing is written', { timeout: 60_000 }, async (t) => {
  const dir = await tmpDir(t)
  for (const [name, text, code, line, message] of BAD) {
    try {
      parseTrace(text, 'x.jsonl')
      t.fail(`${name}: parsed`)
    } catch (err) {
      t.ok(err instanceof TraceReadError && err.code === code && err.line === line, `${name}: ${(err as Error).message}`)
    }
    const file = path.join(dir, `${code}-${line}.jsonl`)
    const out = path.join(dir, `${code}-${line}.html`)
    fs.writeFileSync(file, text)
    const r = await cli(['report', file, '-o', out])
    t.is(r.code, 2, `${name}: exit 2`)
    t.is(r.stderr.trim().split('\n').length, 1, `${name}: one line`)
    t.ok(message.test(r.stderr.trim()), `${name}: ${r.stderr.trim()}`)
    t.ok(r.stderr.includes(file), `${name}: names the file`)
    t.absent(STACK.test(r.stderr), `${name}: no stack trace`)
    t.absent(fs.existsSync(out), `${name}: no report written`)
  }
  const missing = await cli(['report', path.join(dir, 'nope.jsonl')])
  t.is(missing.code, 2)
  t.ok(/nope\.jsonl: cannot read: ENOENT$/.test(missing.stderr.trim()), missing.stderr)
  const usage = await cli(['report'])
  t.is(usage.code, 2)
  t.ok(/^corestore-sim: report needs a trace file/.test(usage.stderr) && /usage: corestore-sim report/.test(usage.stderr), 'no trace: one line plus usage')
  const unwritable = await cli(['report', path.join(dir, `${BAD[0]?.[2]}-3.jsonl`), '-o', path.join(dir, 'no', 'such', 'dir.html')])
  t.is(unwritable.code, 2)
  t.ok(/cannot write .*dir\.html: the folder .* does not exist/.test(unwritable.stderr), unwritable.stderr)
})

test('report: an empty trace gives an empty report that says so', { timeout: 30_000 }, async (t) => {
  const dir = await tmpDir(t)
  const file = path.join(dir, 'empty.jsonl')
  fs.writeFileSync(file, '')
  const r = await cli(['report', file])
  t.is(r.code, 0, r.stderr)
  const html = fs.readFileSync(path.join(dir, 'empty.html'), 'utf8')
  t.ok(/<p class="empty" id="empty">This trace is empty/.test(html), 'the page says the trace is empty')
  t.absent(html.includes('id="plot"'), 'and draws no timeline')
})

test('report: a trace read in chunks gives the events of the trace parsed whole', async (t) => {
  const dir = await tmpDir(t)
  const lines = [JSON.stringify({ t: 0, k: 'sim', fmt: TRACE_FORMAT, seed: 1, peers: 2, cores: 0, store: 'project' })]
  for (let i = 0; i < 20_000; i++) lines.push(JSON.stringify({ t: i, k: 'd', l: i % 2 === 0 ? '0>1' : '1>0', n: 30 + (i % 7) }))
  const text = lines.join('\n') + '\n'
  t.ok(text.length > 4 * 65_536, 'spans many read chunks')
  const file = path.join(dir, 'big.jsonl')
  fs.writeFileSync(file, text)
  const read: TraceEvent[] = []
  t.is(await readTraceFile(file, (e) => read.push(e)), lines.length)
  t.alike(read, parseTrace(text))
  fs.writeFileSync(file, text.slice(0, -8))
  await t.exception(readTraceFile(file, () => {}), /big\.jsonl:20001: truncated mid-line/)
})

test('report: `run --html` alone writes the report and leaves no trace file behind', { timeout: 120_000 }, async (t) => {
  const dir = await tmpDir(t)
  const html = path.join(dir, 'small.html')
  const r = await cli(['run', '--seed', '2', '--peers', '3', '--cores', '2', '--steps', '20', '--duration', '10s', '--html', html, '--no-progress'])
  t.is(r.code, 0, r.stderr)
  t.alike(fs.readdirSync(dir), ['small.html'], 'only the report')
  const page = fs.readFileSync(html, 'utf8')
  t.ok(page.includes('<code id="replay">npx corestore-sim run --seed 2 --peers 3 --cores 2 --steps 20 --duration 10000ms --store project</code>'), 'with the replay command of the run')
  const bad = await cli(['run', '--seed', '2', '--html', path.join(dir, 'missing', 'x.html'), '--no-progress'])
  t.is(bad.code, 2)
  t.ok(/^corestore-sim: cannot write .*x\.html: the folder .*missing does not exist or is not writable$/.test(bad.stderr.trim()), `refused before running: ${bad.stderr.trim()}`)
  t.absent(bad.stdout.includes('seed'), 'no simulation ran')
})

test('report: the planted-failure scenario holds on the real store', { timeout: 60_000 }, async (t) => {
  const dir = await tmpDir(t)
  const { result } = await traceRun(PLANTED_FAILURE, dir, 'clean')
  t.alike(result.violations, [], 'so the violations its report shows come from the planted bug')
})
