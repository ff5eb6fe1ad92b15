import type { Violation } from '../checks/invariants'
import { KnownBugsError, loadKnownBugs, markKnown, unknownViolations, type KnownBug, type MarkedViolation } from '../checks/known-bugs'
import { UsageError } from './usage'

/** Help line of `--known` (indented two spaces, as the other flags). */
export const KNOWN_FLAG_HELP = '  --known FILE           known bugs of packages we do not own (JSON list, see known-bugs.json):\n' +
  '                         a violation matching one is reported as known and does not fail'

/**
 * Loads `--known FILE` before anything runs: absent is null; an empty name or a file
 * that cannot be used is a usage error (one line naming the problem, exit code 2).
 */
export function knownArg (file: string | undefined, usage: string): KnownBug[] | null {
  if (file === undefined) return null
  if (file.length === 0) throw new UsageError('--known needs a file name', usage)
  try {
    return loadKnownBugs(file)
  } catch (err) {
    if (err instanceof KnownBugsError) throw new UsageError(`--known ${err.message}`, usage)
    throw err
  }
}

/** What a run's violations are once known bugs are set apart. */
export interface KnownVerdict {
  /** Every violation, each matching a known bug marked `known: ID`. */
  marked: MarkedViolation[]
  /** Those no known bug explains: they fail the run. */
  unknown: Violation[]
  /** How many matched a known bug. */
  known: number
}

/**
 * Sets known violations apart (none when `bugs` is null: no `--known`). `faults`: the
 * run's injected faults by kind (entries that name fault kinds need one of them).
 */
export function judge (violations: readonly Violation[], bugs: readonly KnownBug[] | null, store: string, faults: Readonly<Record<string, number | undefined>> = {}): KnownVerdict {
  const injected = new Set(Object.keys(faults).filter((k) => (faults[k] ?? 0) > 0))
  const marked = bugs === null ? [...violations] : markKnown(violations, bugs, store, injected)
  const unknown = unknownViolations(marked)
  return { marked, unknown, known: marked.length - unknown.length }
}
