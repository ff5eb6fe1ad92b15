import { findProperty } from '../properties'
import { findMutant } from '../mutants'
import type { Regression } from './regressions'
import { runProperty, type RunReport } from './runner'

/** Replays one pinned scenario, with the planted bug `mutant` switched on (in this process) or none. */
export async function replayRegression (r: Regression, mutant: string | null): Promise<RunReport> {
  const opts = r.value !== undefined ? { value: r.value } : { path: r.path, replayPath: r.replayPath ?? null }
  const restore = mutant === null ? null : findMutant(mutant).apply()
  try {
    return await runProperty(findProperty(r.property), { seed: r.seed, numRuns: 1, mutant, ...opts })
  } catch (err) {
    // A path that no longer replays (the generator changed): a failure to read, not a crash of the suite.
    throw new Error(`${r.property} seed ${r.seed} path ${r.path}: cannot replay (${err instanceof Error ? err.message : String(err)}); pin it again, or as a value`)
  } finally {
    restore?.()
  }
}
