import fs from 'fs'
import type { TraceEvent } from '../trace/trace'
import { readTraceFile } from '../trace/reader'
import { collectReport, ReportCollector, type ReportMeta } from './collect'
import type { ReportData } from './data'
import { renderReport } from './html'

export type { ReportMeta } from './collect'
export type { ReportData } from './data'
export { ReportCollector, collectReport } from './collect'
export { renderReport } from './html'

/** What `writeReport` wrote. */
export interface ReportSummary {
  /** The file written. */
  file: string
  /** Its size, in bytes. */
  bytes: number
  /** Trace lines read. */
  lines: number
  violations: number
}

/** The report page of a trace given as events (pure: no I/O). */
export function buildReport (events: Iterable<TraceEvent>, meta: ReportMeta = {}): string {
  return renderReport(collectReport(events, meta))
}

/**
 * Reads a JSONL trace and writes its HTML report to `outFile`. The whole trace is
 * read and checked first: a bad trace (not JSONL, truncated, another format version)
 * rejects with a TraceReadError and nothing is written. An empty trace gives a report
 * that says it is empty.
 */
export async function writeReport (traceFile: string, meta: ReportMeta, outFile: string): Promise<ReportSummary> {
  const collector = new ReportCollector()
  await readTraceFile(traceFile, (e) => collector.add(e))
  const data: ReportData = collector.finish(meta)
  const html = renderReport(data)
  fs.writeFileSync(outFile, html)
  return { file: outFile, bytes: Buffer.byteLength(html), lines: data.lines, violations: data.violations.length }
}
