import fs from 'fs'
import path from 'path'
import { writeReport } from '../report'
import { TraceReadError } from '../trace/reader'
import { parseFlags } from './args'
import { CliError, UsageError } from './usage'

/** Usage text of `corestore-sim report`. */
export const REPORT_USAGE = `usage: corestore-sim report TRACE.jsonl [-o report.html]

Draws a JSONL trace (\`run --trace FILE\`) as one self-contained HTML page: a lane
per peer over virtual time, faults, links, traffic, violations and the step list,
with zoom, pan, hover and filters. It opens from disk, offline.

  -o, --out FILE         where to write the page (default: the trace's name with .html)
  --title TEXT           title of the page (default: corestore-sim run, seed N)
  -h, --help             this help

Exit code 2 when the trace cannot be read (not JSONL, truncated, another format version).`

const REPORT_FLAGS = {
  out: { type: 'string', short: 'o' },
  title: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const

/** `corestore-sim report TRACE [-o FILE]`. Resolves with the exit code. */
export async function reportCommand (argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, REPORT_FLAGS, REPORT_USAGE, true)
  if (values.help === true) {
    console.log(REPORT_USAGE)
    return 0
  }
  if (positionals.length === 0) throw new UsageError('report needs a trace file (written by `corestore-sim run --trace FILE`)', REPORT_USAGE)
  if (positionals.length > 1) throw new UsageError(`report takes one trace file, got ${positionals.length}`, REPORT_USAGE)
  const trace = positionals[0] as string
  const out = (values.out as string | undefined) ?? defaultOut(trace)
  if (out.length === 0) throw new UsageError('--out needs a file name', REPORT_USAGE)
  if (path.resolve(out) === path.resolve(trace)) throw new UsageError('--out would overwrite the trace itself', REPORT_USAGE)
  checkWritable(out)
  const title = values.title as string | undefined
  const written = await writeTraceReport(trace, out, title === undefined ? {} : { title })
  console.log(`wrote ${out} (${Math.round(written.bytes / 1024)} kB; ${written.lines} trace lines, ${written.violations} violation(s))`)
  return 0
}

/** Writes a report, turning an unreadable trace into a one-line CliError. */
export async function writeTraceReport (trace: string, out: string, meta: Parameters<typeof writeReport>[1]): ReturnType<typeof writeReport> {
  try {
    return await writeReport(trace, meta, out)
  } catch (err) {
    if (err instanceof TraceReadError) throw new CliError(err.code, err.message)
    throw err
  }
}

/** Throws a CliError, before anything runs, if `file` cannot be written (a missing folder, no permission). */
export function checkWritable (file: string): void {
  const dir = path.dirname(path.resolve(file))
  try {
    fs.accessSync(dir, fs.constants.W_OK)
  } catch {
    throw new CliError('REPORT_UNWRITABLE', `cannot write ${file}: the folder ${dir} does not exist or is not writable`)
  }
}

function defaultOut (trace: string): string {
  return trace.endsWith('.jsonl') ? trace.slice(0, -'.jsonl'.length) + '.html' : trace + '.html'
}
