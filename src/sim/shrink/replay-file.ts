import fs from 'fs'
import path from 'path'
import type { InvariantName } from '../checks/invariants'
import type { LinkOptions } from '../network/link'
import type { PeerOptions } from '../peers/peer-options'
import type { Scenario } from '../scenario/generator'
import type { RunSettings } from '../scenario/runner'
import { checkStep, type Step } from '../scenario/steps'
import { fingerprintProblem, type WorkloadFingerprint } from '../workloads/fingerprint'
import { isWorkloadPath } from '../workloads/load'

/**
 * Version of the replay file format (`format`) this build writes. Format 2 added
 * `workloadRecord` (what the workload was, so a replay of another or a changed one is
 * refused) and stores a module-path workload relative to the replay file's folder.
 */
export const REPLAY_FORMAT = 2

/**
 * Formats this build reads. A format 1 file has no workload record (its workload is not
 * checked) and its module path is relative to the folder the run started in, as before.
 */
export const READABLE_REPLAY_FORMATS: readonly number[] = [1, 2]

/** The `kind` every replay file carries, so that other JSON is told apart. */
export const REPLAY_KIND = 'corestore-sim-replay'

/** The run settings a replay file keeps: the JSON part of `RunSettings`. */
export interface ReplayOptions {
  healTimeoutMs?: number
  cooldownMs?: number
  stepTimeoutMs?: number
  /** The workload's time limits as given on the command line (see RunSettings). */
  setupTimeoutMs?: number
  checkTimeoutMs?: number
  gcRace?: number
  link?: LinkOptions
  peer?: PeerOptions
}

/**
 * A saved scenario, small enough to commit as a regression test: `corestore-sim replay
 * FILE` reruns it exactly (same store and package version, same trace hash).
 */
export interface ReplayFile {
  kind: typeof REPLAY_KIND
  /** 2 when written by this build; 1 for older files (see READABLE_REPLAY_FORMATS). */
  format: number
  /** The package that wrote it. */
  package: { name: string, version: string }
  /** Store it ran on: `project`, `upstream` or a package name. */
  store: string
  /**
   * Workload it ran: a name, or a module path relative to this file's folder (format 1:
   * relative to the folder the run started in); null: none.
   */
  workload: string | null
  /** What the workload was when the file was written (format 2); null without a workload. */
  workloadRecord?: WorkloadFingerprint | null
  options: ReplayOptions
  /** The scenario, without its steps. */
  scenario: Omit<Scenario, 'steps'>
  steps: Step[]
  /** What the run that wrote the file saw. */
  recorded: {
    /** The invariant it broke; null if it passed. */
    invariant: InvariantName | null
    violations: number
    traceHash: string
  }
  /** Free text: where it came from. */
  note?: string
}

/** Why a replay file was refused. */
export type ReplayFileErrorCode = 'REPLAY_NOT_FOUND' | 'REPLAY_TRUNCATED' | 'REPLAY_NOT_JSON' | 'REPLAY_FORMAT' | 'REPLAY_INVALID'

/** A replay file that cannot be used; `message` is one line naming the file and the reason. */
export class ReplayFileError extends Error {
  readonly code: ReplayFileErrorCode

  constructor (code: ReplayFileErrorCode, message: string) {
    super(message)
    this.name = 'ReplayFileError'
    this.code = code
  }
}

/** Name and version of the package this module belongs to (found upwards from here). */
export function packageInfo (): { name: string, version: string } {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json')
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string, version?: string }
      if (typeof pkg.name === 'string' && typeof pkg.version === 'string') return { name: pkg.name, version: pkg.version }
    }
    if (path.dirname(dir) === dir) return { name: 'unknown', version: '0.0.0' }
  }
}

/** What `makeReplayFile` needs. */
export interface ReplaySource {
  scenario: Scenario
  store: string
  /** As stored: see `storedWorkload` for a module path. */
  workload?: string | null
  /** See ReplayFile.workloadRecord. */
  workloadRecord?: WorkloadFingerprint | null
  options?: ReplayOptions
  invariant: InvariantName | null
  violations: number
  traceHash: string
  note?: string
}

/** A replay file for a scenario and what its run saw. */
export function makeReplayFile (src: ReplaySource): ReplayFile {
  const { steps, ...scenario } = src.scenario
  return {
    kind: REPLAY_KIND,
    format: REPLAY_FORMAT,
    package: packageInfo(),
    store: src.store,
    workload: src.workload ?? null,
    ...(src.workload == null ? {} : { workloadRecord: src.workloadRecord ?? null }),
    options: src.options ?? {},
    scenario: scenario.workload === undefined || src.workload == null ? scenario : { ...scenario, workload: src.workload },
    steps,
    recorded: { invariant: src.invariant, violations: src.violations, traceHash: src.traceHash },
    ...(src.note === undefined ? {} : { note: src.note })
  }
}

/**
 * A workload spec as a replay file at `replayPath` stores it: a module path (given
 * relative to `fromDir`, default the working directory) becomes relative to the replay
 * file's folder, so that the file replays from anywhere; a name stays as it is.
 */
export function storedWorkload (spec: string, replayPath: string, fromDir: string = process.cwd()): string {
  if (!isWorkloadPath(spec)) return spec
  const rel = path.relative(path.dirname(path.resolve(fromDir, replayPath)), path.resolve(fromDir, spec)).split(path.sep).join('/')
  return rel.startsWith('.') || path.isAbsolute(rel) ? rel : `./${rel}`
}

/**
 * The workload of a replay file read from `replayPath`, as a spec that loads from
 * anywhere: a module path of a format 2 file resolved from the file's folder; null: none.
 */
export function replayWorkload (file: ReplayFile, replayPath: string): string | null {
  const w = file.workload
  if (w === null || !isWorkloadPath(w) || file.format < 2) return w
  return path.resolve(path.dirname(path.resolve(replayPath)), w)
}

/** The scenario of a replay file. */
export function replayScenario (file: ReplayFile): Scenario {
  return { ...file.scenario, steps: file.steps }
}

/** The run settings of a replay file, on its store or on `store`. */
export function replaySettings (file: ReplayFile, store: string = file.store): RunSettings {
  return { ...file.options, store }
}

/** The file as text: indented JSON, one step per line (readable diffs when committed). */
export function formatReplayFile (file: ReplayFile): string {
  const marker = '"@@steps@@"'
  const text = JSON.stringify({ ...file, steps: '@@steps@@' }, null, 2)
  const steps = file.steps.length === 0 ? '[]' : `[\n${file.steps.map((s) => `    ${JSON.stringify(s)}`).join(',\n')}\n  ]`
  return text.replace(marker, steps) + '\n'
}

/** Writes a replay file (creating its folder). */
export function writeReplayFile (file: string, replay: ReplayFile): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  fs.writeFileSync(file, formatReplayFile(replay))
}

/** Reads and checks a replay file; throws a ReplayFileError saying what is wrong. */
export function readReplayFile (file: string): ReplayFile {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as { code?: string }).code
    throw new ReplayFileError('REPLAY_NOT_FOUND', `${file}: cannot read the replay file (${code ?? String(err)})`)
  }
  return parseReplayFile(text, file)
}

/** Parses and checks a replay file's text; `name` is used in messages. */
export function parseReplayFile (text: string, name: string): ReplayFile {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    // A file cut short fails where the text ends (V8 says "end of JSON input", or names the last position).
    const at = /position (\d+)/.exec(message)
    const atEnd = at !== null && Number(at[1]) >= text.trimEnd().length - 1
    if (text.trim().length === 0 || atEnd || /end of (JSON )?input|Unterminated/i.test(message)) {
      throw new ReplayFileError('REPLAY_TRUNCATED', `${name}: the replay file is truncated (${text.length} bytes, the JSON ends early)`)
    }
    throw new ReplayFileError('REPLAY_NOT_JSON', `${name}: not a replay file (not JSON: ${message.split('\n')[0] as string})`)
  }
  const invalid = (why: string): ReplayFileError => new ReplayFileError('REPLAY_INVALID', `${name}: invalid replay file: ${why}`)
  if (typeof data !== 'object' || data === null || (data as { kind?: unknown }).kind !== REPLAY_KIND) throw invalid(`no "kind": "${REPLAY_KIND}"`)
  const f = data as Partial<ReplayFile> & { format?: unknown }
  if (typeof f.format !== 'number' || !READABLE_REPLAY_FORMATS.includes(f.format)) {
    throw new ReplayFileError('REPLAY_FORMAT', `${name}: replay format ${JSON.stringify(f.format)}, this corestore-sim reads formats ${READABLE_REPLAY_FORMATS.join(' and ')} (written by ${f.package?.name ?? '?'} ${f.package?.version ?? '?'})`)
  }
  if (typeof f.store !== 'string' || f.store.length === 0) throw invalid('"store" must be a non-empty string')
  if (f.workload !== null && typeof f.workload !== 'string') throw invalid('"workload" must be a string or null')
  if (f.workloadRecord !== undefined && f.workloadRecord !== null) {
    const problem = fingerprintProblem(f.workloadRecord)
    if (problem !== null) throw invalid(`"workloadRecord" ${problem}`)
  }
  if (typeof f.options !== 'object' || f.options === null) throw invalid('"options" must be an object')
  const s = f.scenario
  if (typeof s !== 'object' || s === null) throw invalid('"scenario" must be an object')
  if (!Number.isInteger(s.seed) || !Number.isInteger(s.peers) || s.peers < 1 || !Array.isArray(s.cores) || !Array.isArray(s.links) ||
    !Array.isArray(s.readers) || !Number.isInteger(s.durationMs) || typeof s.faultProfile !== 'object' || s.faultProfile === null) {
    throw invalid('"scenario" needs seed, peers, cores, readers, links, durationMs and faultProfile')
  }
  if (!Array.isArray(f.steps)) throw invalid('"steps" must be an array')
  f.steps.forEach((step, i) => {
    try {
      checkStep(step, s.peers, s.cores.length)
    } catch (err) {
      throw invalid(`step ${i + 1}: ${err instanceof Error ? err.message : String(err)}`)
    }
  })
  const r = f.recorded
  if (typeof r !== 'object' || r === null || typeof r.traceHash !== 'string') throw invalid('"recorded" needs traceHash')
  return f as ReplayFile
}
