import { createHash, type Hash } from 'crypto'
import fs from 'fs'

/** Options of `new Trace(...)`. */
export interface TraceOptions {
  /** Write the trace as JSONL to this file. Default: no file. */
  file?: string | null
  /** Keep every line in memory (`lines`), to diff two runs. Default false. */
  keepLines?: boolean
  /** Record one line per link delivery. Default true. */
  deliveries?: boolean
  /**
   * Also write, to this file, the JavaScript stack that produced each line (JSONL
   * `{ i, s }`: line index, stack; for a delivery, the stack of the write that sent it).
   * Costly: for the runs of `--check-determinism` only. Default: none.
   */
  stacksFile?: string | null
  /**
   * Called with every event before it is recorded (deliveries included): the guided
   * search reads what a run reached from it (search/signal.ts). Default: none.
   */
  observer?: TraceObserver | null
}

/** Sees each trace event as it is recorded; must not change `fields`. */
export type TraceObserver = (kind: string, fields: Readonly<Record<string, unknown>>) => void

/** A parsed trace line: virtual time `t` (ms since the run started), kind `k`, and fields. */
export interface TraceEvent {
  t: number
  k: string
  [field: string]: unknown
}

/** Where two traces first differ. */
export interface TraceDifference {
  /** 0-based line number. */
  line: number
  /** Virtual time of the first differing event (from whichever trace has it). */
  atMs: number
  /** The line of each trace; null where that trace ended. */
  a: string | null
  b: string | null
}

/**
 * Version of the trace format, recorded as `fmt` in the first line (kind `sim`).
 * Readers (the HTML report) refuse other versions; bump it when a line changes meaning.
 */
export const TRACE_FORMAT = 1

const FLUSH_BYTES = 1 << 16

/**
 * The JSONL record of a run: what happened (deliveries with their sizes, faults,
 * per-step core lengths, GC closes, invariant results), never ciphertext or anything
 * else random per process. `hash` is a SHA-256 over every line: equal hashes, equal runs.
 */
export class Trace {
  /** Lines recorded so far. */
  count = 0
  /** Every line, when `keepLines` was set; otherwise null. */
  readonly lines: string[] | null
  /** Whether link deliveries are recorded. */
  readonly deliveries: boolean
  private readonly digest: Hash = createHash('sha256')
  private readonly now: () => number
  private fd: number | null = null
  private buffer: string[] = []
  private bufferBytes = 0
  private stacksFd: number | null = null
  private redacted: { from: string, to: string } | null = null
  private stackBuffer: string[] = []
  private readonly observer: TraceObserver | null

  constructor (now: () => number, opts: TraceOptions = {}) {
    this.now = now
    this.lines = opts.keepLines === true ? [] : null
    this.deliveries = opts.deliveries !== false
    this.observer = opts.observer ?? null
    if (typeof opts.file === 'string' && opts.file.length > 0) this.fd = fs.openSync(opts.file, 'w')
    if (typeof opts.stacksFile === 'string' && opts.stacksFile.length > 0) this.stacksFd = fs.openSync(opts.stacksFile, 'w')
  }

  /**
   * Writes `to` for `from` wherever a line holds it: the run's temporary folder, whose
   * name differs per process, reaches lines through error messages (RocksDB's and
   * hypercore's name the files they fail on).
   */
  redact (from: string, to: string): void {
    this.redacted = from.length === 0 ? null : { from, to }
  }

  /** Whether each line's stack is recorded (`stacksFile`): parts that know a better cause pass it to `record`. */
  get stacks (): boolean {
    return this.stacksFd !== null
  }

  /**
   * Records one event at the current virtual time. `cause`: the stack that produced it,
   * when the caller knows one better than its own (recorded only with `stacksFile`).
   */
  record (kind: string, fields: Record<string, unknown> = {}, cause?: string): void {
    if (this.observer !== null) this.observer(kind, fields)
    if (this.stacksFd !== null) {
      this.stackBuffer.push(JSON.stringify({ i: this.count, s: cause ?? captureStack(this.record) }))
      if (this.stackBuffer.length >= 1024) this.flush()
    }
    let line = JSON.stringify({ t: this.now(), k: kind, ...fields })
    if (this.redacted !== null && line.includes(this.redacted.from)) line = line.split(this.redacted.from).join(this.redacted.to)
    this.digest.update(line + '\n')
    this.count++
    if (this.lines !== null) this.lines.push(line)
    if (this.fd !== null) {
      this.buffer.push(line)
      this.bufferBytes += line.length + 1
      if (this.bufferBytes >= FLUSH_BYTES) this.flush()
    }
  }

  /** SHA-256 (hex) of every line recorded so far. */
  get hash (): string {
    return this.digest.copy().digest('hex')
  }

  /** Writes buffered lines to the file, synchronously (async writes would count as pending work). */
  flush (): void {
    if (this.stacksFd !== null && this.stackBuffer.length > 0) {
      fs.writeSync(this.stacksFd, this.stackBuffer.join('\n') + '\n')
      this.stackBuffer = []
    }
    if (this.fd === null || this.buffer.length === 0) return
    fs.writeSync(this.fd, this.buffer.join('\n') + '\n')
    this.buffer = []
    this.bufferBytes = 0
  }

  /** Flushes and closes the file, if any. */
  close (): void {
    this.flush()
    if (this.fd !== null) fs.closeSync(this.fd)
    this.fd = null
    if (this.stacksFd !== null) fs.closeSync(this.stacksFd)
    this.stacksFd = null
  }
}

/** Frames that say nothing about why an event happened: the runtime's, streams', the trace's own. */
const NOISE_FRAME = /\(node:|node:internal|[\\/]streamx[\\/]|[\\/]sim[\\/]trace[\\/]|^\s*at new Promise|^\s*at <anonymous>/

/**
 * The stack of the caller of `above`, as text: at most `frames` frames, runtime and
 * stream plumbing left out. For the determinism checker's "why".
 */
export function captureStack (above: (...args: never[]) => unknown, frames = 14): string {
  const holder: { stack?: string } = {}
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 40
  Error.captureStackTrace(holder, above)
  Error.stackTraceLimit = limit
  const lines = (holder.stack ?? '').split('\n').slice(1).filter((l) => !NOISE_FRAME.test(l))
  return lines.slice(0, frames).map((l) => l.trim()).join('\n')
}

/** Parses one trace line. */
export function parseTraceLine (line: string): TraceEvent {
  return JSON.parse(line) as TraceEvent
}

/** The first line where two traces differ, or null if they are equal. */
export function firstDifference (a: readonly string[], b: readonly string[]): TraceDifference | null {
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const la = a[i] ?? null
    const lb = b[i] ?? null
    if (la === lb) continue
    const at = parseTraceLine((la ?? lb) as string).t
    return { line: i, atMs: at, a: la, b: lb }
  }
  return null
}
