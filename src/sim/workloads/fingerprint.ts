// What a replay file records about the workload it ran, so that a replay of another or a
// changed workload is refused instead of running the saved steps with the wrong meaning.
import { createHash } from 'crypto'
import fs from 'fs'
import path from 'path'
import { Prng } from '../random/prng'
import { workloadPeers } from './generate'
import type { AnyWorkload, JsonValue } from './workload'

/** Draws of `args()` per operation whose shapes are recorded (a fixed seed: same code, same shapes). */
const SHAPE_DRAWS = 16
/** Seed of those draws; any fixed value works, it only has to be the same at record and replay time. */
const SHAPE_SEED = 0x5eed

/** What a replay file records about its workload (format 2 and later). */
export interface WorkloadFingerprint {
  /** The workload's `name`. */
  name: string
  /**
   * SHA-256 (hex) of the workload module's source and of the local modules it requires
   * (every file it loaded outside node_modules, by path relative to the workload's
   * folder), or null for a built-in workload or one given in code (the package version
   * recorded beside it covers a built-in one). Installed packages are not hashed.
   */
  source: string | null
  /** Per operation name: the distinct shapes of its arguments (`{text:string}`) over 16 draws of `args()` from a fixed seed. */
  operations: Record<string, string[]>
}

/** The shape of a JSON value: its types and keys, not its values (`{n:number,tags:[string]}`). */
export function jsonShape (value: JsonValue): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `[${[...new Set(value.map(jsonShape))].sort().join('|')}]`
  if (typeof value === 'object') return `{${Object.keys(value).sort().map((k) => `${k}:${jsonShape(value[k] as JsonValue)}`).join(',')}}`
  return typeof value
}

/**
 * The fingerprint of a workload as it runs on `peers` peers: its name, the hash of
 * `file` (its module, or null), its operations and their argument shapes. An `args()`
 * that throws here is recorded as `throws`: generating a scenario reports it properly.
 */
export function fingerprint (workload: AnyWorkload, file: string | null, peers: number): WorkloadFingerprint {
  const list = workloadPeers(workload, peers)
  const operations: Record<string, string[]> = {}
  for (const [name, op] of Object.entries(workload.operations)) {
    const prng = new Prng(SHAPE_SEED).fork(name)
    const shapes = new Set<string>()
    for (let i = 0; i < SHAPE_DRAWS; i++) {
      try {
        const args = op.args(prng, list) as unknown
        shapes.add(args === undefined ? 'null' : jsonShape(JSON.parse(JSON.stringify(args)) as JsonValue))
      } catch {
        shapes.add('throws')
      }
    }
    operations[name] = [...shapes].sort()
  }
  return { name: workload.name, source: file === null ? null : sourceHash(file), operations }
}

/** The hash of a loaded module and of the local modules it loaded (see WorkloadFingerprint.source). */
export function sourceHash (file: string): string {
  const files = new Set<string>()
  const visit = (m: NodeModule | undefined, name: string): void => {
    if (files.has(name) || name.split(path.sep).includes('node_modules')) return
    files.add(name)
    for (const child of m?.children ?? []) visit(child, child.filename)
  }
  visit(require.cache[file], file)
  const hash = createHash('sha256')
  for (const name of [...files].sort()) {
    hash.update(`${path.relative(path.dirname(file), name).split(path.sep).join('/')}\0`)
    hash.update(fs.readFileSync(name))
    hash.update('\0')
  }
  return hash.digest('hex')
}

/**
 * What differs between a recorded fingerprint and the current one, as one phrase, or
 * null when they agree: the name first, then the source, then the operations, then the
 * first operation whose argument shapes changed.
 */
export function fingerprintDifference (recorded: WorkloadFingerprint, now: WorkloadFingerprint): string | null {
  const ops = (f: WorkloadFingerprint): string => Object.keys(f.operations).join(', ')
  if (recorded.name !== now.name) return `it ran workload ${recorded.name} (operations ${ops(recorded)}), this is workload ${now.name} (operations ${ops(now)})`
  if (recorded.source !== now.source) {
    return recorded.source === null || now.source === null
      ? `workload ${now.name} was ${recorded.source === null ? 'built in' : 'a module'} then and is ${now.source === null ? 'built in' : 'a module'} now`
      : `workload ${now.name}'s module changed since the file was written (source sha256 ${now.source.slice(0, 12)}, recorded ${recorded.source.slice(0, 12)})`
  }
  if (ops(recorded) !== ops(now)) return `workload ${now.name}'s operations changed: recorded ${ops(recorded)}; now ${ops(now)}`
  for (const [name, shapes] of Object.entries(recorded.operations)) {
    const current = now.operations[name] ?? []
    if (shapes.join(' ') !== current.join(' ')) return `operation ${name}'s arguments changed: recorded ${shapes.join(' | ')}; now ${current.join(' | ')}`
  }
  return null
}

/** Checks that a value read from a replay file is a fingerprint; the reason it is not, or null. */
export function fingerprintProblem (value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'must be an object'
  const f = value as Partial<WorkloadFingerprint>
  if (typeof f.name !== 'string') return 'needs a name'
  if (f.source !== null && typeof f.source !== 'string') return 'needs a source (a hash or null)'
  if (typeof f.operations !== 'object' || f.operations === null) return 'needs operations'
  for (const shapes of Object.values(f.operations)) {
    if (!Array.isArray(shapes) || !shapes.every((s) => typeof s === 'string')) return 'operations must map names to lists of shapes'
  }
  return null
}
