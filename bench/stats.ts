/** Median of a non-empty list; NaN for an empty one. */
export function median (values: readonly number[]): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/**
 * Relative spread: median absolute deviation over the median, as a fraction.
 * Tells a reader how much to trust a ratio close to a target.
 */
export function relativeMad (values: readonly number[]): number {
  const m = median(values)
  if (!Number.isFinite(m) || m === 0) return NaN
  return median(values.map((v) => Math.abs(v - m))) / Math.abs(m)
}

/**
 * How much better ours is: upstream/ours for lower-is-better metrics and
 * ours/upstream for higher-is-better ones, so >1 always means ours is better.
 */
export function ratio (ours: number, upstream: number, better: 'lower' | 'higher'): number {
  if (!Number.isFinite(ours) || !Number.isFinite(upstream) || ours <= 0 || upstream <= 0) return NaN
  return better === 'lower' ? upstream / ours : ours / upstream
}
