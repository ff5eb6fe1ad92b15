import fs from 'fs'
import path from 'path'
import type { InvariantName } from '../checks/invariants'
import type { LinkOptions } from '../network/link'
import type { PeerOptions } from '../peers/peer-options'
import type { Scenario } from '../scenario/generator'
import type { RunSettings } from '../scenario/runner'
import { checkStep, type Step } from '../scenario/steps'

/** Version of the replay file format (`format`). Readers refuse other versions. */
export const REPLAY_FORMAT = 1

/** The `kind` every replay file carries, so that other JSON is told apart. */
export const REPLAY_KIND = 'corestore-sim-replay'

/** The run settings a replay file keeps: the JSON part of `RunSettings`. */
export interface ReplayOptions {
  healTimeoutMs?: number
  cooldownMs?: number
  stepTimeoutMs?: number
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
  format: typeof REPLAY_FORMAT
  /** The package that wrote it. */
  package: { name: string, version: string }
  /** Store it ran on: `project`, `upstream` or a package name. */
  store: string
  /** Workload it ran (a name or module path); null: none. */
  workload: string | null
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
  workload?: string | null
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
    options: src.options ?? {},
    scenario,
    steps,
    recorded: { invariant: src.invariant, violations: src.violations, traceHash: src.traceHash },
    ...(src.note === undefined ? {} : { note: src.note })
  }
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
  if (f.format !== REPLAY_FORMAT) {
    throw new ReplayFileError('REPLAY_FORMAT', `${name}: replay format ${JSON.stringify(f.format)}, this corestore-sim reads format ${REPLAY_FORMAT} (written by ${f.package?.name ?? '?'} ${f.package?.version ?? '?'})`)
  }
  if (typeof f.store !== 'string' || f.store.length === 0) throw invalid('"store" must be a non-empty string')
  if (f.workload !== null && typeof f.workload !== 'string') throw invalid('"workload" must be a string or null')
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
