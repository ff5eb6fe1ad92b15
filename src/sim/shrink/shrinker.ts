/**
 * What a shrink pass may do: look at the smallest failing value so far and offer
 * smaller candidates. The shrinker tests them and keeps the first that still fails.
 */
export interface PassContext<T> {
  /** The smallest value known to fail. */
  readonly current: T
  /** True once the time budget is spent: a pass should return. */
  readonly outOfTime: boolean
  /** How many candidates the shrinker tests at once: offer at least this many when you can. */
  readonly parallel: number
  /**
   * Tests the candidates (up to `parallel` at a time, in order) and accepts the first
   * one, in the order given, that still fails: it becomes `current`. Returns its index,
   * or -1 if none failed (or the budget ran out first).
   */
  tryFirst (candidates: readonly T[]): Promise<number>
}

/** One way of making a value smaller (remove chunks of a list, drop a peer, ...). */
export interface ShrinkPass<T> {
  /** Short name, for progress lines. */
  readonly name: string
  run (ctx: PassContext<T>): Promise<void>
}

/** Progress of a shrink, after every accepted candidate. */
export interface ShrinkProgress<T> {
  value: T
  pass: string
  /** Candidates run so far (cached repeats not counted). */
  runs: number
  /** Candidates accepted so far. */
  accepted: number
  realMs: number
}

/** Options of `shrink()`. */
export interface ShrinkOptions<T> {
  /** Passes, tried in order, round after round, until a whole round changes nothing. */
  passes: ReadonlyArray<ShrinkPass<T>>
  /** Resolves true when a candidate still fails the way the original did. A rejection counts as false. */
  fails: (candidate: T) => Promise<boolean>
  /** Candidates tested at once. Default 1. */
  parallel?: number
  /** Real time allowed, in ms. Default: no limit. */
  budgetMs?: number
  /** Real clock, in ms. Default `performance.now`. */
  now?: () => number
  /** Cache key of a candidate: equal keys are tested once. Default `JSON.stringify`. */
  key?: (candidate: T) => string
  onProgress?: (progress: ShrinkProgress<T>) => void
}

/** What `shrink()` found. */
export interface ShrinkOutcome<T> {
  /** The smallest value found that still fails (the initial value if nothing smaller did). */
  value: T
  /** Candidates run. */
  runs: number
  /** Candidates accepted (each smaller than the one before). */
  accepted: number
  /** True when the budget ran out before a round changed nothing: `value` may not be minimal. */
  outOfTime: boolean
  realMs: number
}

/**
 * Greedy shrinking over any value: runs the passes in order, each as long as it finds
 * smaller failing candidates, and repeats the round until nothing changes or the
 * budget runs out. Deterministic given a deterministic `fails`: candidates of a batch
 * run at once, but the first failing one in the pass's order wins, whatever finishes
 * first. Each distinct candidate is tested at most once.
 */
export async function shrink<T> (initial: T, opts: ShrinkOptions<T>): Promise<ShrinkOutcome<T>> {
  const now = opts.now ?? (() => performance.now())
  const parallel = opts.parallel ?? 1
  if (!Number.isInteger(parallel) || parallel < 1) throw new RangeError('parallel must be a positive integer')
  const budgetMs = opts.budgetMs ?? Infinity
  if (!(budgetMs >= 0)) throw new RangeError('budgetMs must be a non-negative number')
  const key = opts.key ?? ((c: T) => JSON.stringify(c))
  const started = now()
  const tested = new Map<string, Promise<boolean>>()
  let current = initial
  let runs = 0
  let accepted = 0
  let passName = ''
  const outOfTime = (): boolean => now() - started >= budgetMs

  const test = (candidate: T): Promise<boolean> => {
    const k = key(candidate)
    let result = tested.get(k)
    if (result === undefined) {
      runs++
      result = opts.fails(candidate).then((f) => f === true, () => false)
      tested.set(k, result)
    }
    return result
  }

  const ctx: PassContext<T> = {
    get current () { return current },
    get outOfTime () { return outOfTime() },
    parallel,
    async tryFirst (candidates) {
      for (let from = 0; from < candidates.length; from += parallel) {
        if (outOfTime()) return -1
        // A candidate equal to the current value would be accepted forever.
        const here = key(current)
        const batch = candidates.slice(from, from + parallel).filter((c) => key(c) !== here)
        if (batch.length === 0) continue
        const results = await Promise.all(batch.map(test))
        const hit = results.indexOf(true)
        if (hit === -1) continue
        current = batch[hit] as T
        accepted++
        opts.onProgress?.({ value: current, pass: passName, runs, accepted, realMs: now() - started })
        return candidates.indexOf(current)
      }
      return -1
    }
  }

  let minimal = false
  while (!minimal && !outOfTime()) {
    const before = accepted
    for (const pass of opts.passes) {
      if (outOfTime()) break
      passName = pass.name
      await pass.run(ctx)
    }
    minimal = accepted === before && !outOfTime()
  }
  return { value: current, runs, accepted, outOfTime: !minimal, realMs: now() - started }
}

/**
 * Replacement for the chunk [start, end) of the list inside `value`: fewer elements
 * than it removes, or null to skip that chunk.
 */
export type ChunkReplacement<T, E> = (value: T, start: number, end: number) => E[] | null

/**
 * A pass that removes chunks of a list inside the value (delta debugging): chunks of
 * half the list, then a quarter, down to single elements, later elements first (the
 * end of a failing run is most often not needed). After a removal it goes on at the
 * same size and place. `get` and `set` reach the list inside the value; `replace`, if
 * given, puts something smaller in the place of each chunk instead of nothing.
 */
export function removeChunks<T, E> (name: string, get: (value: T) => readonly E[], set: (value: T, list: E[]) => T, replace?: ChunkReplacement<T, E>): ShrinkPass<T> {
  return {
    name,
    async run (ctx) {
      let size = Math.max(1, Math.floor(get(ctx.current).length / 2))
      while (size >= 1 && !ctx.outOfTime) {
        // Chunks are aligned from the end: [end - size, end), then the one before it...
        let end = get(ctx.current).length
        while (end > 0 && !ctx.outOfTime) {
          const list = get(ctx.current)
          const candidates: T[] = []
          const starts: number[] = []
          let e = Math.min(end, list.length)
          for (; e > 0 && candidates.length < ctx.parallel; e -= size) {
            const start = Math.max(0, e - size)
            const middle = replace === undefined ? [] : replace(ctx.current, start, e)
            if (middle === null || middle.length >= e - start) continue
            candidates.push(set(ctx.current, [...list.slice(0, start), ...middle, ...list.slice(e)]))
            starts.push(start)
          }
          if (candidates.length === 0) {
            end = e
            continue
          }
          const hit = await ctx.tryFirst(candidates)
          // A hit replaced [start, e): the chunk before it ends at `start`.
          end = hit === -1 ? (starts[starts.length - 1] as number) : (starts[hit] as number)
        }
        if (size === 1) break
        size = Math.floor(size / 2)
      }
    }
  }
}

/**
 * A pass that offers, for each element of a list, each of its simpler variants
 * (`simpler(element)`, best first), and keeps the first that still fails.
 */
export function simplifyEach<T, E> (name: string, get: (value: T) => readonly E[], set: (value: T, list: E[]) => T, simpler: (element: E) => E[]): ShrinkPass<T> {
  return {
    name,
    async run (ctx) {
      for (let i = get(ctx.current).length - 1; i >= 0 && !ctx.outOfTime; i--) {
        const list = get(ctx.current)
        if (i >= list.length) continue
        const candidates = simpler(list[i] as E).map((variant) => {
          const copy = [...list]
          copy[i] = variant
          return set(ctx.current, copy)
        })
        if (candidates.length > 0) await ctx.tryFirst(candidates)
      }
    }
  }
}

/** A pass that offers fixed candidates computed from the current value (best first), accepting the first that fails, until none does. */
export function offer<T> (name: string, candidates: (value: T) => T[]): ShrinkPass<T> {
  return {
    name,
    async run (ctx) {
      while (!ctx.outOfTime) {
        const list = candidates(ctx.current)
        if (list.length === 0 || await ctx.tryFirst(list) === -1) return
      }
    }
  }
}
