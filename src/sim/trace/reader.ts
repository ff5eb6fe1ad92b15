import fs from 'fs'
import { TRACE_FORMAT, type TraceEvent } from './trace'

/** Why a trace could not be read. */
export type TraceReadErrorCode =
  /** A line is not JSON, or not an event (an object with a number `t` and a string `k`). */
  | 'TRACE_NOT_JSONL'
  /** The last line ends mid-event (no newline, and not complete JSON). */
  | 'TRACE_TRUNCATED'
  /** The first line is not a `sim` line. */
  | 'TRACE_NOT_SIM'
  /** The first line names another format version (`fmt`) than this reader's TRACE_FORMAT. */
  | 'TRACE_FORMAT'
  /** The file cannot be opened or read. */
  | 'TRACE_UNREADABLE'

/** A trace that cannot be read; `message` is one line naming the file and the line. */
export class TraceReadError extends Error {
  /** Stable code. */
  readonly code: TraceReadErrorCode
  /** 1-based line number the error is about; 0 when it is about the whole file. */
  readonly line: number

  constructor (code: TraceReadErrorCode, source: string, line: number, message: string) {
    super(`${source}${line > 0 ? `:${line}` : ''}: ${message}`)
    this.name = 'TraceReadError'
    this.code = code
    this.line = line
  }
}

/**
 * Checks one line of a trace and returns its event. `first` says whether it is the
 * first event of the trace (which must be a `sim` line of this format version);
 * `complete` whether the line ended with a newline. Throws a TraceReadError.
 */
export function checkTraceLine (text: string, lineNo: number, first: boolean, complete: boolean, source = 'trace'): TraceEvent {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    if (!complete) throw new TraceReadError('TRACE_TRUNCATED', source, lineNo, `truncated mid-line (${text.length} characters, no newline, not complete JSON)`)
    throw new TraceReadError('TRACE_NOT_JSONL', source, lineNo, `not JSON: ${preview(text)}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TraceReadError('TRACE_NOT_JSONL', source, lineNo, `not a trace event (a JSON object): ${preview(text)}`)
  }
  const event = value as Record<string, unknown>
  if (typeof event.t !== 'number' || !Number.isFinite(event.t) || typeof event.k !== 'string') {
    throw new TraceReadError('TRACE_NOT_JSONL', source, lineNo, `not a trace event (needs a number t and a string k): ${preview(text)}`)
  }
  if (first) {
    if (event.k !== 'sim') throw new TraceReadError('TRACE_NOT_SIM', source, lineNo, `not a corestore-sim trace: the first line is kind ${JSON.stringify(event.k)}, not "sim"`)
    if (event.fmt !== TRACE_FORMAT) {
      const given = event.fmt === undefined ? 'no format version (fmt)' : `format ${JSON.stringify(event.fmt)}`
      throw new TraceReadError('TRACE_FORMAT', source, lineNo, `trace has ${given}; this corestore-sim reads format ${TRACE_FORMAT}`)
    }
  }
  return event as TraceEvent
}

function preview (text: string): string {
  const one = text.replace(/\s+/g, ' ')
  return JSON.stringify(one.length > 60 ? one.slice(0, 57) + '...' : one)
}

/**
 * Parses a whole trace held in memory. Blank lines are skipped; an empty trace gives
 * no events. Throws a TraceReadError naming the first bad line.
 */
export function parseTrace (text: string, source = 'trace'): TraceEvent[] {
  const events: TraceEvent[] = []
  const lines = text.split('\n')
  const last = lines.length - 1
  lines.forEach((line, i) => {
    if (line.trim().length === 0) return
    events.push(checkTraceLine(line, i + 1, events.length === 0, i < last, source))
  })
  return events
}

/**
 * Reads a trace file line by line (a trace can be far larger than what one string
 * holds), checks every line and hands each event to `onEvent`. Resolves with the
 * number of events; rejects with a TraceReadError on the first bad line.
 */
export async function readTraceFile (file: string, onEvent: (event: TraceEvent) => void): Promise<number> {
  let stream: fs.ReadStream
  try {
    await fs.promises.access(file, fs.constants.R_OK)
    stream = fs.createReadStream(file, { encoding: 'utf8' })
  } catch (err) {
    throw new TraceReadError('TRACE_UNREADABLE', file, 0, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
  let rest = ''
  let lineNo = 0
  let count = 0
  const take = (line: string, complete: boolean): void => {
    lineNo++
    if (line.trim().length === 0) return
    onEvent(checkTraceLine(line, lineNo, count === 0, complete, file))
    count++
  }
  try {
    for await (const chunk of stream) {
      const parts = (rest + (chunk as string)).split('\n')
      rest = parts.pop() as string
      for (const line of parts) take(line, true)
    }
  } catch (err) {
    if (err instanceof TraceReadError) throw err
    throw new TraceReadError('TRACE_UNREADABLE', file, 0, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  } finally {
    stream.destroy()
  }
  if (rest.length > 0) take(rest, false)
  return count
}
