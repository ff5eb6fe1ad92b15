import type { RunResult } from '../scenario/runner'
import type { MarkedViolation } from '../checks/known-bugs'
import { FEATURE_NAMES } from '../scenario/features/names'

/** The `--json` fields, in their output order. */
const JSON_FIELDS = ['seed', 'peers', 'cores', 'steps', 'virtualMs', 'realMs', 'speedup', 'messages', 'bytes',
  'faults', 'gcCollected', 'invariantsChecked', 'violations', 'traceHash', 'workload', 'operations', 'features'] as const

/** The `--json` object: exactly these fields of a run, in this order. */
export type JsonResult = Pick<RunResult, typeof JSON_FIELDS[number]>

/** Picks the `--json` fields of a run. */
export function toJsonResult (r: RunResult): JsonResult {
  const out: Partial<Record<keyof JsonResult, unknown>> = {}
  for (const field of JSON_FIELDS) out[field] = r[field]
  return out as JsonResult
}

/** What the replay line needs. */
export interface ReplayArgs {
  seed: number
  peers: number
  cores: number
  steps: number
  durationMs: number
  store: string
  /** Fault kinds given on the command line; undefined when drawn from the seed. */
  faults?: readonly string[]
  /** The workload given with `--workload`, if any. */
  workload?: string
  /** `--setup-timeout` and `--check-timeout`, in ms, if given. */
  setupTimeoutMs?: number
  checkTimeoutMs?: number
  /** Features given with `--features`; undefined when drawn from the seed. */
  features?: readonly string[]
}

/** The one command line that replays a run. */
export function replayCommand (a: ReplayArgs): string {
  const faults = a.faults === undefined ? '' : ` --faults ${a.faults.length === 0 ? 'none' : a.faults.join(',')}`
  const limits = (a.setupTimeoutMs === undefined ? '' : ` --setup-timeout ${a.setupTimeoutMs}ms`) + (a.checkTimeoutMs === undefined ? '' : ` --check-timeout ${a.checkTimeoutMs}ms`)
  const workload = a.workload === undefined ? '' : ` --workload ${a.workload}${limits}`
  const features = a.features === undefined ? '' : ` --features ${a.features.length === 0 ? 'none' : a.features.join(',')}`
  return `npx corestore-sim run --seed ${a.seed} --peers ${a.peers} --cores ${a.cores} --steps ${a.steps} --duration ${a.durationMs}ms${faults}${features}${workload} --store ${a.store}`
}

function workloadRows (r: RunResult): Array<[string, string]> {
  if (r.workload === null) return []
  const ops = Object.entries(r.operations)
  const runs = ops.reduce((n, [, c]) => n + c.runs, 0)
  const ok = ops.reduce((n, [, c]) => n + c.ok, 0)
  // Skips are counted by reason, as faults are by kind: a reason that dominates says the mix does little work.
  const skips = ops.flatMap(([name, c]) => Object.entries(c.skipped).map(([why, n]) => `${name} ${n} (${why})`))
  return [
    ['workload', r.workload],
    ['operations ok / run', `${ok} / ${runs}${ops.length === 0 ? '' : `: ${ops.map(([name, c]) => `${name} ${c.ok}/${c.runs}`).join(', ')}`}`],
    ...(skips.length === 0 ? [] : [['operations skipped', skips.join(', ')] as [string, string]])
  ]
}

// One line per feature: how many of its api steps ran their oracle (target: 80%).
function featureRows (r: RunResult): Array<[string, string]> {
  return FEATURE_NAMES.filter((name) => r.features[name] !== undefined).map((name) => {
    const c = r.features[name]
    const real = c?.real ?? 0
    const runs = c?.runs ?? 0
    return [`api ${name} real work / run`, `${real} / ${runs}${runs === 0 ? '' : ` (${Math.round((100 * real) / runs)}%)`}`]
  })
}

/**
 * The human summary of a run: a two-column table, then the violations if any. With
 * `known` (the run's violations as `--known` marked them), the table gets a `known` row
 * and each known violation names its bug.
 */
export function formatSummary (r: RunResult, replay: string, known?: readonly MarkedViolation[]): string {
  const violations: readonly MarkedViolation[] = known ?? r.violations
  const knownCount = violations.filter((v) => v.known !== undefined).length
  const rates = Object.entries(r.faultProfile.rates)
    .map(([kind, rate]) => `${kind} ${((rate ?? 0) * 100).toFixed(1)}%`).join(', ')
  const injected = Object.entries(r.faults).map(([kind, n]) => `${kind} ${n ?? 0}`).join(', ')
  const rows: Array<[string, string]> = [
    ['seed', String(r.seed)],
    ['store', r.store],
    ['peers / cores / steps', `${r.peers} / ${r.cores} / ${r.steps}`],
    ['virtual time', `${(r.virtualMs / 1000).toFixed(1)} s`],
    ['real time', `${(r.realMs / 1000).toFixed(2)} s`],
    ['speedup (virtual/real)', `${r.speedup}x`],
    ['events / peak RSS', `${r.events} timers fired / ${r.maxRssMb} MB`],
    ['messages / bytes', `${r.messages} / ${r.bytes}`],
    [`faults ${r.faultProfile.drawn ? 'drawn' : 'given'} (share of steps)`, rates.length > 0 ? rates : 'none'],
    ['faults injected', injected.length > 0 ? injected : 'none'],
    ['disk ops / stalls / failed (w, r)', `${r.disk.operations} / ${r.disk.stalls} / ${r.disk.failedWrites}, ${r.disk.failedReads}${r.failedCoreCloses > 0 ? ` (${r.failedCoreCloses} core close(s) failed on a disk refusing writes: tolerated)` : ''}`],
    ...(r.disk.corruptReads > 0 ? [['rotten reads (served to the app)', `${r.disk.corruptReads} (${r.disk.rotServed}: hypercore trusts its own disk, tolerated)`] as [string, string]] : []),
    ...(r.disk.rotStuck > 0 ? [['replicas stuck on rotten metadata', `${r.disk.rotStuck} (a writer read its tree or bitfield rotten and wrote over it: tolerated; ${r.disk.conflicts} conflict(s) closed a core's sessions)`] as [string, string]] : []),
    ...((r.faults['power-loss'] ?? 0) > 0 ? [['acked blocks unsynced at power loss', `${r.disk.unsynced} (may be lost: tolerated; synced ones must survive)`] as [string, string]] : []),
    ...(r.disk.powerHoles > 0 ? [['holes left by power loss', `${r.disk.powerHoles} holder(s) missing acknowledged blocks their writer lost unsynced before anyone downloaded them (tolerated)`] as [string, string]] : []),
    ...(r.crashAbandoned > 0 ? [['crashed work dropped (tolerated)', `${r.crashAbandoned} unhandled "RocksDB session is closed" of a crashing peer`] as [string, string]] : []),
    ['GC closed cores (raced by a get)', `${r.gcCollected} (${r.gcRaces}${r.gcRacesAbandoned > 0 ? `, ${r.gcRacesAbandoned} cut short by a disk fault or restart` : ''})`],
    ...workloadRows(r),
    ...featureRows(r),
    ['convergence after heal', r.converged ? `ok in ${r.convergeMs} ms virtual` : 'FAILED'],
    ['invariants checked', String(r.invariantsChecked)],
    ['violations', String(r.violations.length)],
    ...(known === undefined ? [] : [['known (not failing)', `${knownCount}${knownCount === 0 ? '' : ` (${knownIds(violations)})`}`] as [string, string]]),
    ['traceHash', r.traceHash]
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)
  if (violations.length > 0) {
    lines.push('', 'violations:')
    for (const v of violations.slice(0, 20)) {
      const where = [v.step === null ? null : `step ${v.step}`, v.peer === undefined ? null : `peer ${v.peer}`, v.core === undefined ? null : `core ${v.core}`]
        .filter((x) => x !== null).join(', ')
      lines.push(`  [${v.atMs} ms] ${v.invariant}${where.length > 0 ? ` (${where})` : ''}: ${v.detail}${v.known === undefined ? '' : ` [known: ${v.known}]`}`)
    }
    if (violations.length > 20) lines.push(`  ... and ${violations.length - 20} more`)
    lines.push('', `replay: ${replay}`)
  }
  return lines.join('\n')
}

/** Known violations per bug id: `ID N, ID N`. */
export function knownIds (violations: readonly MarkedViolation[]): string {
  const counts = new Map<string, number>()
  for (const v of violations) if (v.known !== undefined) counts.set(v.known, (counts.get(v.known) ?? 0) + 1)
  return [...counts].map(([id, n]) => `${id} ${n}`).join(', ')
}
