// Real elapsed time, for reports and real-time deadlines of the harness (never the
// simulator's clock). Node has a global `performance`; Bare has none, bare-performance
// gives the same now() there.

const perf: { now (): number } = (globalThis as { performance?: { now (): number } }).performance ?? require('bare-performance')

/** Milliseconds on a monotonic clock, as `performance.now()`. */
export function realNow (): number {
  return perf.now()
}
