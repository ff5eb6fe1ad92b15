import { createRequire } from 'module'
import path from 'path'
import { WorkloadError } from './workload'

/**
 * Loads an application package a built-in workload drives (hyperbee, autobase) at run
 * time: they are optional peer dependencies, never loaded by the store. Looked up from
 * this package, then from the current folder; missing, it is a one-line error that
 * says how to install the version the workload is tested with.
 */
export function requireAppPackage<T> (workload: string, pkg: string, version: string): T {
  const here = createRequire(__filename)
  const cwd = createRequire(path.join(process.cwd(), 'noop.js'))
  for (const req of [here, cwd]) {
    let resolved: string
    try {
      resolved = req.resolve(pkg)
    } catch {
      continue
    }
    return req(resolved) as T
  }
  throw new WorkloadError('WORKLOAD_MISSING_PACKAGE', workload, `the package ${pkg} is not installed; install it with \`npm install --save-dev ${pkg}@${version}\``)
}
