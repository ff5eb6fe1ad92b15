import { createRequire } from 'module'
import path from 'path'
import { checkWorkload, oneLine, WorkloadError, type AnyWorkload } from './workload'
import { hyperbeeWorkload } from './hyperbee'
import { autobaseWorkload } from './autobase'
import { hyperdriveWorkload } from './hyperdrive'

/** The workloads that ship with the simulator, by name; each loads its package when named. */
export const BUILTIN_WORKLOADS: Readonly<Record<string, AnyWorkload>> = Object.freeze({
  hyperbee: hyperbeeWorkload,
  autobase: autobaseWorkload,
  hyperdrive: hyperdriveWorkload
})

/** Options of `loadWorkload()`. */
export interface LoadWorkloadOptions {
  /** Folder module paths are resolved from. Default: the current working directory. */
  fromDir?: string
  /** Workloads made in code, looked up by name before the built-in ones. */
  provided?: readonly AnyWorkload[]
}

/**
 * The workload a spec names: a workload of `provided` or a built-in one (`hyperbee`,
 * `autobase`) by name, else a module path (`./my-workload.js`, resolved from `fromDir`)
 * whose export is a workload (`module.exports = workload`, or its `default` or
 * `workload` export). Checks it (`checkWorkload`) and, for a built-in one, that its
 * package is installed. Throws a `WorkloadError` with a one-line message otherwise.
 */
export function loadWorkload (spec: string, opts: LoadWorkloadOptions = {}): AnyWorkload {
  if (typeof spec !== 'string' || spec.length === 0) throw new WorkloadError('WORKLOAD_INVALID', String(spec), 'a workload is named by a non-empty string')
  const given = opts.provided?.find((w) => w.name === spec)
  if (given !== undefined) return checkWorkload(given, spec)
  if (Object.prototype.hasOwnProperty.call(BUILTIN_WORKLOADS, spec)) {
    const builtin = BUILTIN_WORKLOADS[spec] as AnyWorkload & { requires?: () => void }
    builtin.requires?.()
    return builtin
  }
  if (!looksLikePath(spec)) {
    throw new WorkloadError('WORKLOAD_NOT_FOUND', spec, `no such workload (built in: ${Object.keys(BUILTIN_WORKLOADS).join(', ')}; or a module path such as ./my-workload.js)`)
  }
  const file = path.resolve(opts.fromDir ?? process.cwd(), spec)
  const requireFrom = createRequire(file)
  let loaded: unknown
  try {
    loaded = requireFrom(file)
  } catch (err) {
    throw loadError(err, spec, file)
  }
  return checkWorkload(exportedWorkload(loaded), spec)
}

/**
 * Why a workload module did not load. Node's "Cannot find module" names the module it
 * looked for on its first line (and the workload file again in its require stack): only
 * when that is the workload file itself is the workload missing; otherwise a module the
 * workload requires is, and that module is what the message names.
 */
function loadError (err: unknown, spec: string, file: string): WorkloadError {
  const code = (err as { code?: string }).code
  const missing = code === 'MODULE_NOT_FOUND' ? /^Cannot find module '([^']+)'/.exec(String((err as Error).message))?.[1] : undefined
  if (missing === file) return new WorkloadError('WORKLOAD_NOT_FOUND', spec, `cannot find module ${file}`)
  if (missing !== undefined) {
    const pkg = missing.startsWith('.') || path.isAbsolute(missing) ? null : missing.split('/').slice(0, missing.startsWith('@') ? 2 : 1).join('/')
    const fix = pkg === null ? 'check the path' : `install it with \`npm install ${pkg}\` in ${path.dirname(file)} or a folder above it`
    return new WorkloadError('WORKLOAD_MISSING_PACKAGE', spec, `it requires '${missing}', which cannot be found from ${path.dirname(file)} (a workload's require() resolves from its own folder): ${fix}`)
  }
  return new WorkloadError('WORKLOAD_INVALID', spec, `loading ${file} failed: ${oneLine(err)}`)
}

/** Whether a workload spec is a module path (`./w.js`, `/abs/w.js`, `w.mjs`) rather than a name. */
export function isWorkloadPath (spec: string): boolean {
  return looksLikePath(spec)
}

/** The file a module-path workload loads from (resolved from `fromDir`, default the working directory); null for a name. */
export function workloadModule (spec: string, fromDir: string = process.cwd()): string | null {
  if (!looksLikePath(spec)) return null
  const file = path.resolve(fromDir, spec)
  return createRequire(file).resolve(file)
}

function looksLikePath (spec: string): boolean {
  return spec.startsWith('.') || spec.startsWith('/') || path.isAbsolute(spec) || /\.[cm]?js$/.test(spec)
}

/** `module.exports = w`, `export default w` or `export const workload = w`. */
function exportedWorkload (loaded: unknown): unknown {
  if (typeof loaded !== 'object' || loaded === null) return loaded
  const m = loaded as { name?: unknown, default?: unknown, workload?: unknown }
  if (typeof m.name === 'string') return loaded
  if (typeof m.default === 'object' && m.default !== null) return exportedWorkload(m.default)
  if (m.workload !== undefined) return m.workload
  return loaded
}
