import cliProgress from 'cli-progress'
import type { Shard } from './fuzz-args'

/** The numbers the status line shows. */
export interface FuzzCounts {
  seeds: number
  failures: number
  elapsedMs: number
}

/** The live status of a campaign on stderr. */
export interface FuzzStatus {
  update (counts: FuzzCounts): void
  /** A line that must stay (a failure found, an interruption). */
  note (line: string): void
  stop (): void
}

/** What the status line knows up front. */
export interface FuzzStatusOptions {
  enabled: boolean
  /** Campaign length, in ms; null: until the seeds run out. */
  timeMs: number | null
  jobs: number
  shard: Shard
}

/** Seconds between status lines when stderr is not a terminal (CI logs). */
const LOG_EVERY_MS = 30_000

function seedsPerSecond (c: FuzzCounts): string {
  return c.elapsedMs > 0 ? (c.seeds / (c.elapsedMs / 1000)).toFixed(2) : '0.00'
}

/**
 * A status line on stderr: a cli-progress bar redrawn in place on a terminal (seeds
 * done, seeds per second, failures, time left); elsewhere one plain line every 30 s,
 * so CI logs show progress without a line per seed.
 */
export function fuzzStatus (opts: FuzzStatusOptions): FuzzStatus {
  if (!opts.enabled) return { update: () => {}, note: () => {}, stop: () => {} }
  const left = (c: FuzzCounts): string => opts.timeMs === null ? '' : `, ${Math.max(0, Math.ceil((opts.timeMs - c.elapsedMs) / 1000))} s left`
  if (process.stderr.isTTY !== true) {
    let last = 0
    return {
      update: (c) => {
        if (c.elapsedMs - last < LOG_EVERY_MS) return
        last = c.elapsedMs
        process.stderr.write(`fuzz: ${c.seeds} seeds, ${seedsPerSecond(c)} seeds/s, ${c.failures} failing${left(c)}\n`)
      },
      note: (line) => process.stderr.write(`fuzz: ${line}\n`),
      stop: () => {}
    }
  }
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: opts.timeMs === null
      ? 'fuzz {seeds} seeds | {rate} seeds/s | {failures} failing | {jobs} processes'
      : 'fuzz [{bar}] {seeds} seeds | {rate} seeds/s | {failures} failing | {left} s left',
    hideCursor: true,
    clearOnComplete: true
  }, cliProgress.Presets.shades_classic)
  const total = opts.timeMs === null ? 1 : Math.ceil(opts.timeMs / 1000)
  bar.start(total, 0, { seeds: 0, rate: '0.00', failures: 0, jobs: opts.jobs, left: total })
  return {
    update: (c) => bar.update(opts.timeMs === null ? 0 : Math.min(total, Math.floor(c.elapsedMs / 1000)), {
      seeds: c.seeds,
      rate: seedsPerSecond(c),
      failures: c.failures,
      left: opts.timeMs === null ? 0 : Math.max(0, Math.ceil((opts.timeMs - c.elapsedMs) / 1000))
    }),
    note: (line) => process.stderr.write(`\n${line}\n`),
    stop: () => bar.stop()
  }
}
