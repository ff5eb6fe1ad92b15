import type { TraceEvent } from '../trace/trace'
import type { FaultBand, Mark, MarkKind, Phase, ReportData, StateSpan, StepRow, ViolationMark } from './data'
import { describe, detailOf, int, isFaultStep, namedIn, packRows, valueText } from './fields'
import { LinkTracker } from './links'
import { layoutRows } from './layout'
import { formatMs } from './page/format'
import { optionRows, replayFromTrace } from './run-info'
import { APP_COLORS } from './styles'

/** What the trace does not tell, given by the command that writes the report. */
export interface ReportMeta {
  /** Page title. Default: `corestore-sim run, seed N`. */
  title?: string
  /** The command that replays the run. Default: rebuilt from the trace's `sim` and `scenario` lines. */
  replay?: string
  /** More rows of the options table (name → value); they replace rows of the same name. */
  options?: Record<string, unknown>
  /** A note above the step list, e.g. `shrunk from 300 to 4 steps`. */
  note?: string
}

/** Step kinds drawn as marks of their own kind on the stepping peer's lane. */
const STEP_MARKS: ReadonlySet<string> = new Set(['append', 'get', 'open-session', 'close-session', 'download'])
/** Kinds of line the report reads (or knowingly skips); any other kind is drawn generically. */
const KNOWN = new Set(['sim', 'core', 'scenario', 'phase', 'step', 'res', 'len', 'inv', 'violation', 'gc', 'race', 'inflight', 'd',
  'link-up', 'link-down', 'fault', 'lift', 'heal', 'crash', 'close', 'restart', 'up', 'converge', 'end', 'app', 'workload', 'workload-check',
  'wake'])
/** Generic marks kept per unknown kind, so that a chatty new kind cannot swamp the page. */
const GENERIC_MAX = 5000

/**
 * Turns the events of a trace, in order, into what a report draws. Pure: no I/O, no
 * clock. Feed every event to `add`, then call `finish` once.
 */
export class ReportCollector {
  private readonly sim: Record<string, unknown> = {}
  private readonly scenario: Record<string, unknown> = {}
  private peers = 0
  private cores = 0
  private endMs = 0
  private lines = 0
  private step: number | null = null
  private readonly steps: StepRow[] = []
  private readonly stepByIndex = new Map<number, StepRow>()
  private readonly stepMarks = new Map<number, Mark>()
  private readonly marks: Mark[] = []
  private readonly states: StateSpan[] = []
  private readonly openState = new Map<number, StateSpan>()
  private readonly faults: FaultBand[] = []
  private readonly openFaults: FaultBand[] = []
  private readonly violations: ViolationMark[] = []
  private readonly phases: Phase[] = []
  private readonly heals: number[] = []
  private converged: ReportData['converged'] = null
  private readonly unknown = new Map<string, number>()
  private readonly appOps = new Map<string, number>()
  private readonly links = new LinkTracker()

  /** Adds the next event of the trace. */
  add (e: TraceEvent): void {
    this.lines++
    if (e.t > this.endMs) this.endMs = e.t
    const p = int(e.p)
    const c = int(e.c)
    switch (e.k) {
      case 'sim':
        Object.assign(this.sim, e)
        this.peers = int(e.peers) ?? 0
        this.cores = int(e.cores) ?? 0
        return
      case 'scenario': Object.assign(this.scenario, e); return
      case 'phase': this.phase(e.t, String(e.name)); return
      case 'step': this.addStep(e); return
      case 'res': this.result(e); return
      case 'violation': this.violation(e); return
      case 'gc': this.mark(e.t, p, 'gc', c, `GC closed c${c ?? '?'} on p${p ?? '?'}`); return
      case 'race': this.mark(e.t, p, 'race', c, `a get raced the GC close of c${c ?? '?'} on p${p ?? '?'}: ${e.ok === true ? 'ok' : String(e.code)}`, e.ok !== true); return
      case 'inflight':
        this.mark(e.t, p, 'inflight', c, `p${p ?? '?'} crashes mid-append of ${String(e.n)} block(s) to c${c ?? '?'} from ${String(e.from)}, after ${String(e.ops)} storage op(s): ${String(e.s)}`)
        return
      case 'd': this.links.deliver(e.t, String(e.l), int(e.n) ?? 0); return
      case 'link-up': this.links.up(e.t, String(e.l)); return
      case 'link-down': this.links.down(e.t, String(e.l), String(e.why)); return
      case 'fault':
        if (e.f === 'sleep' && p !== undefined) this.setState(e.t, p, 'asleep')
        this.fault(e)
        return
      case 'lift': this.lift(e); return
      case 'heal':
        this.heals.push(e.t)
        for (const band of this.openFaults.splice(0)) this.endFault(band, e.t, 'heal')
        return
      case 'crash': if (p !== undefined) this.setState(e.t, p, 'crashed'); return
      case 'close': if (p !== undefined) this.setState(e.t, p, 'restarting'); return
      case 'restart': if (p !== undefined) this.setState(e.t, p, 'restarting'); return
      case 'up': if (p !== undefined) this.setState(e.t, p, 'up'); return
      case 'wake': if (p !== undefined && e.dies !== true) this.setState(e.t, p, 'up'); return
      case 'converge': this.converged = { t: e.t, ok: e.ok === true, waitedMs: int(e.waitedMs) ?? 0 }; return
      case 'app': {
        const what = e.crash === true ? 'dropped by a crash' : e.stopped === true ? 'stopped itself' : e.up === true ? 'set up' : 'closed'
        this.appMark(e.t, p, 'app up/down', `app on p${p ?? '?'} ${what}`)
        return
      }
      case 'workload': {
        const { t: _t, k: _k, w: _w, ...rest } = e
        this.appMark(e.t, p, 'record', `workload record${detailOf(rest, [])}`)
        return
      }
      case 'workload-check': this.appMark(e.t, undefined, 'final check', `final check of the workload: ${String(e.bad)} violation(s)`); return
      default:
        if (!KNOWN.has(e.k)) this.other(e, p, c)
    }
  }

  /** Everything drawn, once every event was added. */
  finish (meta: ReportMeta = {}): ReportData {
    const endMs = this.endMs
    for (const band of this.openFaults.splice(0)) this.endFault(band, endMs, 'end')
    for (const span of this.openState.values()) span.to = endMs
    this.openState.clear()
    for (const ph of this.phases) if (ph.to < ph.from) ph.to = endMs
    const { links, volume } = this.links.finish(endMs, this.peers)
    const faultRows = packRows(this.faults, endMs)
    const data: ReportData = {
      title: meta.title ?? (typeof this.sim.seed === 'number' ? `corestore-sim run, seed ${this.sim.seed}` : 'corestore-sim run'),
      empty: this.lines === 0 ? 'This trace is empty: it holds no events, so there is nothing to draw.' : null,
      seed: typeof this.sim.seed === 'number' ? this.sim.seed : null,
      peers: this.peers,
      cores: this.cores,
      store: typeof this.sim.store === 'string' ? this.sim.store : '?',
      endMs,
      options: optionRows(this.sim, this.scenario, meta.options),
      replay: meta.replay ?? replayFromTrace(this.sim, this.scenario),
      note: meta.note ?? null,
      phases: this.phases,
      heals: this.heals,
      converged: this.converged,
      states: this.states,
      marks: this.marks,
      faults: this.faults,
      faultRows,
      links,
      violations: this.violations,
      steps: this.steps,
      volume,
      appOps: [...this.appOps.keys()].map((name, i) => [name, APP_COLORS[i % APP_COLORS.length] as string]),
      unknownKinds: [...this.unknown.entries()],
      lines: this.lines,
      rows: []
    }
    data.rows = layoutRows(data)
    return data
  }

  private phase (t: number, name: string): void {
    const last = this.phases[this.phases.length - 1]
    if (last !== undefined) last.to = t
    else if (t > 0) this.phases.push({ name: 'setup', from: 0, to: t })
    this.phases.push({ name, from: t, to: -1 })
  }

  private addStep (e: TraceEvent): void {
    const i = int(e.i) ?? this.steps.length
    const s = (typeof e.s === 'object' && e.s !== null ? e.s : {}) as Record<string, unknown>
    const kind = String(s.kind)
    const { peers, cores } = namedIn(s)
    const text = describe(s)
    this.step = i
    const row: StepRow = { i, t: e.t, end: e.t, kind, text, ok: null, peers, cores }
    this.steps.push(row)
    this.stepByIndex.set(i, row)
    const peer = int(s.peer)
    if (peer === undefined) return
    // Steps are numbered from 1 on the page, as in the terminal; ids and data keep the index.
    const tip = `step ${i + 1}: ${text}`
    if (kind === 'op') this.stepMarks.set(i, this.appMark(e.t, peer, String(s.op), tip))
    else if (!STEP_MARKS.has(kind) && !isFaultStep(kind)) this.stepMarks.set(i, this.mark(e.t, peer, 'step', cores[0], tip))
    else if (STEP_MARKS.has(kind)) this.stepMarks.set(i, this.mark(e.t, peer, kind as MarkKind, cores[0], tip))
  }

  private result (e: TraceEvent): void {
    const i = int(e.i)
    const row = i === undefined ? undefined : this.stepByIndex.get(i)
    if (row === undefined) return
    row.end = e.t
    row.ok = e.ok === true
    if (typeof e.code === 'string') row.code = e.code
    const v = typeof e.v === 'number' ? e.v : undefined
    if (v !== undefined) row.value = v
    if (typeof e.skip === 'string') row.skipped = e.skip
    const mark = this.stepMarks.get(row.i)
    if (mark !== undefined) {
      const done = row.skipped === undefined ? `ok${v === undefined ? '' : ` (${valueText(row.kind, v)})`}` : `skipped (${row.skipped})`
      mark.tip += row.ok ? ` → ${done}` : ` → ${row.code ?? 'failed'}`
      if (!row.ok) mark.bad = true
      this.stepMarks.delete(row.i)
    }
    this.step = null
  }

  private violation (e: TraceEvent): void {
    const v: ViolationMark = {
      t: typeof e.atMs === 'number' ? e.atMs : e.t,
      invariant: String(e.invariant),
      detail: String(e.detail),
      step: int(e.step) ?? null
    }
    const peer = int(e.peer)
    const core = int(e.core)
    if (peer !== undefined) v.peer = peer
    if (core !== undefined) v.core = core
    this.violations.push(v)
  }

  private mark (t: number, p: number | undefined, kind: MarkKind, c: number | undefined, tip: string, bad = false): Mark {
    const mark: Mark = { t, p: p ?? -1, kind, tip: `${formatMs(t)} · ${tip}` }
    if (c !== undefined) mark.c = c
    if (this.step !== null) mark.s = this.step
    if (bad) mark.bad = true
    this.marks.push(mark)
    return mark
  }

  /** A mark of the workload's, coloured by `name` (an operation's, or what the app did). */
  private appMark (t: number, p: number | undefined, name: string, tip: string): Mark {
    let op = this.appOps.get(name)
    if (op === undefined) {
      op = this.appOps.size
      this.appOps.set(name, op)
    }
    const mark = this.mark(t, p, 'app', undefined, tip)
    mark.op = op
    return mark
  }

  private fault (e: TraceEvent): void {
    const f = String(e.f)
    const peers = namedIn(e).peers
    const a = int(e.a)
    const b = int(e.b)
    const link = typeof e.l === 'string' ? e.l : a !== undefined && b !== undefined ? `${Math.min(a, b)}-${Math.max(a, b)}` : undefined
    const band: FaultBand = { id: int(e.id) ?? -(this.faults.length + 1), f, from: e.t, to: e.t, ended: 'end', peers, row: 0, tip: '' }
    if (link !== undefined) band.link = link
    const { t: _t, k: _k, f: _f, id: _id, ...rest } = e
    band.tip = `${f} ${link ?? (e.side !== undefined ? `[${peers.map((x) => `p${x}`).join(' ')}]` : peers.map((x) => `p${x}`).join(' '))}` +
      detailOf(rest, ['a', 'b', 'l', 'p', 'side'])
    this.faults.push(band)
    this.openFaults.push(band)
    if (link !== undefined) this.links.fault(link, this.faults.length - 1)
  }

  private lift (e: TraceEvent): void {
    const id = int(e.id)
    const at = this.openFaults.findIndex((b) => id !== undefined ? b.id === id : b.f === e.f)
    if (at < 0) return
    const [band] = this.openFaults.splice(at, 1) as [FaultBand]
    this.endFault(band, e.t, 'lift')
  }

  private endFault (band: FaultBand, t: number, ended: FaultBand['ended']): void {
    band.to = t
    band.ended = ended
    const how = ended === 'lift' ? 'lifted' : ended === 'heal' ? 'healed' : 'still on when the trace ends'
    band.tip = `${formatMs(band.from)} → ${formatMs(t)} · ${band.tip} (${how})`
  }

  private setState (t: number, p: number, state: StateSpan['state'] | 'up'): void {
    const open = this.openState.get(p)
    if (open !== undefined) {
      if (open.state === state) return
      open.to = t
      this.openState.delete(p)
    }
    if (state === 'up') return
    const span: StateSpan = { p, state, from: t, to: t }
    this.states.push(span)
    this.openState.set(p, span)
  }

  private other (e: TraceEvent, p: number | undefined, c: number | undefined): void {
    const n = (this.unknown.get(e.k) ?? 0) + 1
    this.unknown.set(e.k, n)
    if (n > GENERIC_MAX) return
    const { t: _t, k, ...rest } = e
    const peer = p ?? int(e.peer)
    const core = c ?? int(e.core)
    this.mark(e.t, peer, 'other', core, `${peer === undefined ? '' : `p${peer} `}${k}${core === undefined ? '' : ` c${core}`}${detailOf(rest, ['p', 'c', 'peer', 'core'])}`)
  }
}

/** Collects a whole trace at once. */
export function collectReport (events: Iterable<TraceEvent>, meta: ReportMeta = {}): ReportData {
  const collector = new ReportCollector()
  for (const e of events) collector.add(e)
  return collector.finish(meta)
}
