import fs from 'fs'
import path from 'path'
import type { ReplayTarget } from './replay-line'

/**
 * One pinned scenario that once failed (or that a planted bug fails): a seed and path,
 * or, for properties whose scenarios are plain JSON (the simulator's), the scenario
 * itself as `value` (which, unlike a path, survives changes to the generator).
 */
export interface Regression {
  property: string
  seed: number
  /** fast-check's counterexample path; '' when `value` is given. */
  path: string
  /** The scenario itself, run as is. */
  value?: unknown
  /** fast-check's commands replay path, for model-based properties. */
  replayPath?: string
  /** Why it is here: the bug it found, or the planted bug it kills. */
  note: string
  /** For a sentinel: the planted bug it must keep killing (replayed with it switched on, it fails). */
  kills?: string
}

// Compiled to build/test/property/harness: the JSON stays in the source tree.
const FILE = path.resolve(__dirname, '../../../../test/property/regressions.json')

/** The pinned scenarios of test/property/regressions.json. */
export function loadRegressions (file = FILE): Regression[] {
  const raw: unknown = JSON.parse(fs.readFileSync(file, 'utf8'))
  if (!Array.isArray(raw)) throw new Error(`${file}: expected a JSON array`)
  return raw.map((r: unknown, i) => {
    const e = r as Partial<Regression>
    if (typeof e.property !== 'string' || typeof e.seed !== 'number' || typeof e.note !== 'string' || (typeof e.path !== 'string' && e.value === undefined)) {
      throw new Error(`${file}[${i}]: needs property (string), seed (number), path (string) or value, and note (string)`)
    }
    return { ...e, path: e.path ?? '' } as Regression
  })
}

/** Appends failing scenarios (skipping ones already pinned); returns how many were new. */
export function appendRegressions (found: ReplayTarget[], note: string, kills: string | null = null, file = FILE): number {
  const all = loadRegressions(file)
  let added = 0
  for (const f of found) {
    if (f.path === null) continue
    if (all.some((r) => r.property === f.property && r.seed === f.seed && r.path === f.path)) continue
    all.push({ property: f.property, seed: f.seed, path: f.path, ...(f.replayPath !== null ? { replayPath: f.replayPath } : {}), note, ...(kills !== null ? { kills } : {}) })
    added++
  }
  if (added > 0) fs.writeFileSync(file, JSON.stringify(all, null, 2) + '\n')
  return added
}
