import { BAD_ARGUMENT } from './errors'
import { optionalBoolean, optionalBuffer, optionalNumber } from './validate'
import type { GcSettings } from './core-tracker'
import type { Core, CorestoreOptions } from './types'

/** Upstream's GC: checked every 2 s, closed on the 4th strike. */
export const DEFAULT_GC_INTERVAL_MS = 2000
export const DEFAULT_GC_STRIKES = 4

/** Validates the constructor's arguments; throws BAD_ARGUMENT before storage is touched. */
export function checkStoreOptions (storage: unknown, opts: unknown, isSession: boolean): void {
  if (typeof opts !== 'object' || opts === null) throw BAD_ARGUMENT('Corestore options must be an object')
  const o = opts as Record<string, unknown>
  if (!isSession) {
    const isPath = typeof storage === 'string' && storage.length > 0
    const isStorage = typeof storage === 'object' && storage !== null &&
      typeof (storage as Record<string, unknown>).setDefaultDiscoveryKey === 'function'
    if (!isPath && !isStorage) {
      throw BAD_ARGUMENT('Corestore storage must be a directory path or a hypercore-storage instance')
    }
  }
  for (const name of ['unsafe', 'writable', 'readOnly', 'suspend', 'active', 'allowBackup', 'wait']) optionalBoolean(o, name)
  optionalBuffer(o, 'primaryKey', 32)
  optionalBuffer(o, 'namespace', 32)
  optionalNumber(o, 'manifestVersion', 0, 2, true)
  optionalNumber(o, 'gcIntervalMs', 1, 2 ** 31 - 1)
  optionalNumber(o, 'gcStrikes', 1, 1000, true)
  if (o.id !== undefined && o.id !== null && typeof o.id !== 'string') throw BAD_ARGUMENT('Option "id" must be a string')
  if (o.treeCache !== undefined && (typeof o.treeCache !== 'object' || o.treeCache === null)) {
    throw BAD_ARGUMENT('Option "treeCache" must be an object like { maxSize: 8192 }')
  }
}

/** The GC settings of a root store, defaults applied. */
export function resolveGcSettings (opts: CorestoreOptions, oncollect: (core: Core) => void): GcSettings {
  return {
    gcIntervalMs: opts.gcIntervalMs ?? DEFAULT_GC_INTERVAL_MS,
    gcStrikes: opts.gcStrikes ?? DEFAULT_GC_STRIKES,
    oncollect
  }
}

/** The platform the store runs on, as upstream's `which-runtime` reads it (Bare or Node). */
export function currentPlatform (): string {
  const bare = (globalThis as { Bare?: { platform?: string } }).Bare
  return bare?.platform ?? process.platform
}

/**
 * Whether `suspend()` suspends the storage: as upstream, on by default except on Android,
 * where only `suspend: true` turns it on (an app written for upstream there never calls
 * `resume()` after a `suspend()` that did nothing).
 */
export function resolveSuspend (opts: CorestoreOptions, platform: string = currentPlatform()): boolean {
  return platform === 'android' ? opts.suspend === true : opts.suspend !== false
}
