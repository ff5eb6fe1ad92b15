// Formatting shared by the report generator (Node) and the page script (browser):
// plain functions, no DOM and no Node API.

/** Virtual time for people: `850 ms`, `12.35 s`, `4 min 05.2 s`. */
export function formatMs (ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`
  if (Math.abs(ms) < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 3 : 2)} s`
  const min = Math.floor(ms / 60_000)
  const s = (ms - min * 60_000) / 1000
  return `${min} min ${s.toFixed(1).padStart(4, '0')} s`
}

/** A byte count for people: `512 B`, `12.4 kB`, `3.1 MB`. */
export function formatBytes (n: number): string {
  if (n < 1000) return `${n} B`
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`
  return `${(n / 1_000_000).toFixed(1)} MB`
}

/** Tick spacings of the time axis, in ms: round numbers of ms, s and min. */
const TIME_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000,
  60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000]

/** A round tick spacing of the time axis so that `spanMs` holds about `count` ticks. */
export function timeTickStep (spanMs: number, count: number): number {
  const raw = spanMs / Math.max(1, count)
  return TIME_STEPS.find((s) => s >= raw) ?? tickStep(spanMs, count)
}

/** A time-axis label at a tick spacing of `stepMs`: as few digits as the spacing needs. */
export function formatTick (ms: number, stepMs: number): string {
  if (stepMs >= 60_000 && stepMs % 60_000 === 0) return `${Math.round(ms / 60_000)} min`
  if (stepMs >= 1000) return `${Math.round(ms / 1000)} s`
  if (stepMs >= 1) return `${(ms / 1000).toFixed(Math.max(0, 3 - Math.floor(Math.log10(stepMs))))} s`
  return `${ms.toFixed(3)} ms`
}

/** A round tick spacing (1, 2 or 5 times a power of ten) so that `span` holds about `count` ticks. */
export function tickStep (span: number, count: number): number {
  const raw = span / Math.max(1, count)
  const power = Math.pow(10, Math.floor(Math.log10(raw)))
  const f = raw / power
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * power
}

/**
 * Parses a filter like `1,4-6` into the set of integers it names; empty text means
 * "no filter" (null). Throws a RangeError naming the bad part.
 */
export function parseIndexList (text: string): Set<number> | null {
  const trimmed = text.trim()
  if (trimmed.length === 0) return null
  const out = new Set<number>()
  for (const part of trimmed.split(/[\s,]+/)) {
    const m = /^[pc]?(\d+)(?:-[pc]?(\d+))?$/i.exec(part)
    if (m === null) throw new RangeError(`bad part ${JSON.stringify(part)}: use numbers and ranges like 1,4-6`)
    const from = Number(m[1])
    const to = m[2] === undefined ? from : Number(m[2])
    if (to < from || to - from > 100_000) throw new RangeError(`bad range ${part}`)
    for (let i = from; i <= to; i++) out.add(i)
  }
  return out
}

/**
 * Bar heights (px, up to `h`) of the volume chart. Square-root scale: the burst of
 * catching up after a heal is many times the steady traffic, and a linear scale
 * would flatten everything else.
 */
export function volumeHeights (bytes: readonly number[], h: number): number[] {
  const max = Math.sqrt(Math.max(1, ...bytes))
  return bytes.map((b) => b <= 0 ? 0 : Math.max(1, Math.round((Math.sqrt(b) / max) * h * 10) / 10))
}
