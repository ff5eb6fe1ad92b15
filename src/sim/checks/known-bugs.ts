import fs from 'fs'
import { createRequire } from 'module'
import path from 'path'
import semver from 'semver'
import type { InvariantName, Violation } from './invariants'
import { FAULT_KINDS } from '../scenario/steps'

// Every invariant, at run time: the Record makes the compiler reject a list that
// misses one or names one that does not exist.
const INVARIANTS: Record<InvariantName, true> = {
  'session-count': true,
  'core-closed-under-session': true,
  'acknowledged-append-lost': true,
  'torn-append': true,
  'wrong-block': true,
  convergence: true,
  'left-open': true,
  'uncaught-error': true,
  'step-stuck': true,
  'gc-race': true,
  'append-error': true,
  'gc-liveness': true,
  'gc-timing': true,
  'one-core-per-key': true,
  'open-after-close': true,
  'rot-unreported': true,
  'torn-state': true,
  workload: true,
  api: true
}

/** One entry of a known-bugs file (`--known FILE`), as written. */
export interface KnownBugEntry {
  /** Stable name, shown as `known: ID`. */
  id: string
  /** The npm package the bug is in (a package we do not own). */
  package: string
  /** Semver range of the package versions that have it, e.g. `>=7.9.2 <=7.12.5`. */
  versions: string
  /** The invariant its violations break. */
  invariant: InvariantName
  /** Regular expression (JavaScript syntax, no flags) a violation's detail must match. */
  detail: string
  /** The standalone reproduction, relative to the file's folder. */
  repro: string
  /** Only runs on this store (`project`, `upstream` or a package name); default: any store. */
  store?: string
  /**
   * Only runs that injected a fault of one of these kinds (e.g. `["read-error"]`): a
   * signature too generic to name the bug alone (views that differ) is tied to its cause.
   * Default: any run.
   */
  faults?: string[]
  /** What happens, for people (optional). */
  summary?: string
}

/** A validated entry, with what matching needs. */
export interface KnownBug extends KnownBugEntry {
  /** The compiled `detail`. */
  pattern: RegExp
  /** The package's version installed here, or null when it is not installed. */
  installed: string | null
  /** Absolute path of `repro`. */
  reproPath: string
}

/** A known-bugs file that cannot be used: what is wrong, in one line. */
export class KnownBugsError extends Error {
  /** Stable code for callers. */
  readonly code = 'KNOWN_BUGS_INVALID'

  constructor (file: string, message: string) {
    super(`${file}: ${message}`)
    this.name = 'KnownBugsError'
  }
}

const FIELDS = ['id', 'package', 'versions', 'invariant', 'detail', 'repro', 'store', 'summary', 'faults'] as const
/** The string fields (all but `faults`). */
const STRINGS = FIELDS.filter((f) => f !== 'faults')
const REQUIRED = ['id', 'package', 'versions', 'invariant', 'detail', 'repro'] as const

/**
 * Reads and validates a known-bugs file: a JSON list of entries with every required
 * field a non-empty string, a known invariant, a valid semver range and regular
 * expression, and a repro file that exists. Entries sharing an id are signatures of one
 * bug and must name the same package, versions and repro. Throws a KnownBugsError
 * naming the first problem.
 */
export function loadKnownBugs (file: string): KnownBug[] {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw new KnownBugsError(file, `cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
  }
  let list: unknown
  try {
    list = JSON.parse(text)
  } catch (err) {
    throw new KnownBugsError(file, `not JSON (${(err as Error).message.split('\n')[0] as string})`)
  }
  if (!Array.isArray(list)) throw new KnownBugsError(file, 'must be a JSON list of known bugs')
  // One bug may have several signatures (entries sharing an id): they must agree on
  // what the bug is (package, versions, repro).
  const byId = new Map<string, KnownBug>()
  return list.map((raw: unknown, i) => {
    const bug = validateEntry(file, raw, i)
    const first = byId.get(bug.id)
    if (first === undefined) byId.set(bug.id, bug)
    else if (first.package !== bug.package || first.versions !== bug.versions || first.repro !== bug.repro) {
      throw new KnownBugsError(file, `entry ${i}: id ${JSON.stringify(bug.id)} is used before with another package, versions or repro`)
    }
    return bug
  })
}

function validateEntry (file: string, raw: unknown, i: number): KnownBug {
  const fail = (message: string): never => { throw new KnownBugsError(file, `entry ${i}: ${message}`) }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('must be an object')
  const entry = raw as Record<string, unknown>
  for (const key of Object.keys(entry)) {
    if (!(FIELDS as readonly string[]).includes(key)) fail(`unknown field ${JSON.stringify(key)} (fields: ${FIELDS.join(', ')})`)
  }
  for (const key of STRINGS) {
    const value = entry[key]
    if (value === undefined && !(REQUIRED as readonly string[]).includes(key)) continue
    if (typeof value !== 'string' || value.length === 0) fail(`${key} must be a non-empty string`)
  }
  const faults = entry.faults
  if (faults !== undefined) {
    if (!Array.isArray(faults) || faults.length === 0) fail('faults must be a non-empty list of fault kinds')
    for (const kind of faults as unknown[]) {
      if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) fail(`unknown fault kind ${JSON.stringify(kind)} in faults (kinds: ${FAULT_KINDS.join(', ')})`)
    }
  }
  const e = entry as unknown as KnownBugEntry
  if (!Object.prototype.hasOwnProperty.call(INVARIANTS, e.invariant)) fail(`unknown invariant ${JSON.stringify(e.invariant)} (invariants: ${Object.keys(INVARIANTS).join(', ')})`)
  if (semver.validRange(e.versions) === null) fail(`versions ${JSON.stringify(e.versions)} is not a semver range`)
  let pattern: RegExp
  try {
    pattern = new RegExp(e.detail)
  } catch (err) {
    return fail(`detail is not a regular expression (${(err as Error).message})`)
  }
  const reproPath = path.resolve(path.dirname(path.resolve(file)), e.repro)
  if (!fs.existsSync(reproPath)) fail(`repro ${e.repro} does not exist (looked for ${reproPath})`)
  return { ...e, pattern, installed: installedVersion(e.package), reproPath }
}

/**
 * The version of a package as this process would load it: from this package first,
 * then from the current folder (as the simulator loads stores and apps). Null when
 * it is not installed.
 */
export function installedVersion (pkg: string): string | null {
  for (const from of [__filename, path.join(process.cwd(), 'noop.js')]) {
    const req = createRequire(from)
    try {
      const version = (req(`${pkg}/package.json`) as { version?: unknown }).version
      if (typeof version === 'string') return version
    } catch {
      // Not found from here, or its exports hide package.json: try the next place.
    }
  }
  return null
}

/** The store names a run's `--store` may use for one store (`upstream` is the `corestore` package). */
function sameStore (a: string, b: string): boolean {
  const name = (s: string): string => s === 'upstream' ? 'corestore' : s
  return name(a) === name(b)
}

/**
 * The id of the first known bug a violation matches on a run of `store`, or null: same
 * invariant, detail matching the pattern, the package installed in a version the range
 * covers, the entry's store (if it names one) the run's, and (if it names fault kinds) a
 * fault of one of them among `injected`, the kinds the run injected.
 */
export function matchKnown (v: Violation, bugs: readonly KnownBug[], store: string, injected: ReadonlySet<string> = new Set()): string | null {
  for (const bug of bugs) {
    if (bug.invariant !== v.invariant) continue
    if (bug.store !== undefined && !sameStore(bug.store, store)) continue
    if (bug.faults !== undefined && !bug.faults.some((k) => injected.has(k))) continue
    if (bug.installed === null || !semver.satisfies(bug.installed, bug.versions, { includePrerelease: true })) continue
    if (bug.pattern.test(v.detail)) return bug.id
  }
  return null
}

/** A violation with the id of the known bug it matched, if any. */
export type MarkedViolation = Violation & { known?: string }

/** Marks each violation that matches a known bug with `known: ID`; the others stay as they are. */
export function markKnown (violations: readonly Violation[], bugs: readonly KnownBug[], store: string, injected: ReadonlySet<string> = new Set()): MarkedViolation[] {
  return violations.map((v) => {
    const id = matchKnown(v, bugs, store, injected)
    return id === null ? v : { ...v, known: id }
  })
}

/** The violations no known bug explains. */
export function unknownViolations<V extends MarkedViolation> (violations: readonly V[]): V[] {
  return violations.filter((v) => v.known === undefined)
}
