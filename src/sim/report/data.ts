// The data a report page carries: written by the generator (collect.ts), drawn by the
// page script (page/). Times are virtual ms since the run started. Types only.

/** A peer's state: up, crashed (until a restart begins), or restarting (closed or reopening). */
export type PeerState = 'up' | 'crashed' | 'restarting' | 'asleep'

/**
 * Kinds of mark on a peer's lane. `app` is a workload's: an operation, the app going up
 * or down, a record or its final check (`op` names which); `step` is a step kind the
 * report does not know; `other` an unknown trace line.
 */
export type MarkKind = 'append' | 'get' | 'open-session' | 'close-session' | 'download' | 'gc' | 'race' | 'inflight' | 'app' | 'step' | 'other'

/** One instant on a peer's lane (or on the events row when `p` is -1). */
export interface Mark {
  t: number
  /** Peer, or -1 for events that name none. */
  p: number
  kind: MarkKind
  /** Core the mark is about, if any (for the core filter). */
  c?: number
  /** Step during which it happened, if any. */
  s?: number
  /** True when the step failed (res ok=false) or a race got an error. */
  bad?: boolean
  /** For an `app` mark: index into `ReportData.appOps` (its name and colour). */
  op?: number
  /** Hover text. */
  tip: string
}

/** A period a peer was not up. */
export interface StateSpan {
  p: number
  state: Exclude<PeerState, 'up'>
  from: number
  to: number
}

/** One injected fault, from its `fault` line to its `lift` (or the next heal, or the end). */
export interface FaultBand {
  /** The `id` of the fault line (or its position among fault lines when it has none). */
  id: number
  /** Fault kind (`f`): disconnect, partition, stall, slow, crash, restart, or a kind this report does not know. */
  f: string
  from: number
  to: number
  /** How it ended. */
  ended: 'lift' | 'heal' | 'end'
  /** Peers it names (crash, restart, a partition's side, a link's two ends). */
  peers: number[]
  /** Link it names (`a-b`), if any. */
  link?: string
  /** Row within the fault track, so that overlapping faults do not hide each other. */
  row: number
  tip: string
}

/** A period a link was down. */
export interface DownSpan {
  from: number
  to: number
  /** The `why` of the link-down line: `disconnect#N`, `partition#N`, `peer N down`, `closed`, ... */
  why: string
}

/** One link between two peers, drawn when something happened to it. */
export interface LinkRow {
  /** `a-b`, a < b. */
  name: string
  a: number
  b: number
  down: DownSpan[]
  /** Indexes into `faults` of the faults on this link (disconnect, stall, slow). */
  faults: number[]
  /** Bytes delivered over the link in both directions. */
  bytes: number
  /** Whether anything other than setup and teardown happened to it (a fault or a down period). */
  eventful: boolean
}

/** A broken invariant. */
export interface ViolationMark {
  t: number
  invariant: string
  detail: string
  /** Step during or after which it was found; null outside steps. */
  step: number | null
  peer?: number
  core?: number
}

/** One step of the run, as the step list shows it. */
export interface StepRow {
  i: number
  /** Started at. */
  t: number
  /** Finished at (the `res` line); equal to `t` when the trace has no result. */
  end: number
  kind: string
  /** One readable line, e.g. `p2 append c5 x3`. */
  text: string
  /** Why a workload operation did no work (`ctx.skip`), if it said so. */
  skipped?: string
  /** null when the trace has no result line for it. */
  ok: boolean | null
  code?: string
  value?: number
  peers: number[]
  cores: number[]
}

/** A named period of the run: setup, faults, heal, cooldown. */
export interface Phase {
  name: string
  from: number
  to: number
}

/** Bytes delivered per time bucket. */
export interface Volume {
  bucketMs: number
  /** Bytes of every link, by bucket. */
  total: number[]
  /** Bytes each peer sent or received, as sparse [bucket, bytes] pairs, by peer. */
  peers: Array<Array<[number, number]>>
  messages: number
  bytes: number
}

/** Everything a report page draws. */
export interface ReportData {
  title: string
  /** Why the report is empty (an empty trace), or null. */
  empty: string | null
  seed: number | null
  peers: number
  cores: number
  store: string
  /** Virtual time of the last event. */
  endMs: number
  /** Name/value rows of the options table. */
  options: Array<[string, string]>
  /** The command that replays the run, or null when it cannot be told. */
  replay: string | null
  /** A note above the step list, e.g. that the steps are a shrunk failure. */
  note: string | null
  phases: Phase[]
  /** Times of `heal` lines (heal steps and the heal phase). */
  heals: number[]
  /** When the heal phase converged (the `converge` line), or null. */
  converged: { t: number, ok: boolean, waitedMs: number } | null
  states: StateSpan[]
  marks: Mark[]
  faults: FaultBand[]
  /** Rows the fault track needs. */
  faultRows: number
  links: LinkRow[]
  violations: ViolationMark[]
  steps: StepRow[]
  volume: Volume
  /** The workload's kinds of mark, in order of first appearance: [name, colour]; operations by their name. */
  appOps: Array<[string, string]>
  /** Trace lines of kinds this report does not know, by kind, with their count. */
  unknownKinds: Array<[string, number]>
  /** Trace lines read. */
  lines: number
  /** Timeline rows, top to bottom. */
  rows: Row[]
}

/** What a row of the timeline shows. */
export type RowKind = 'phases' | 'violations' | 'faults' | 'volume' | 'events' | 'lane' | 'link'

/** One row of the timeline, top to bottom; the page moves rows when a filter hides some. */
export interface Row {
  /** DOM id of the row's group. */
  id: string
  kind: RowKind
  label: string
  /** Top, in px, with every row shown. */
  y: number
  /** Height, in px. */
  h: number
  /** The peer of a lane. */
  p?: number
  /** The link of a link row (`a-b`). */
  link?: string
  /** A link row with nothing but setup and teardown: hidden unless asked for. */
  quiet?: boolean
}
