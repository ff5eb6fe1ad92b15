import type * as AsyncHooks from 'async_hooks'
import process from 'process'

/** Async resources (timers, immediates, handles, requests) created while tracking. */
export interface ResourceTracker {
  /** Live resources made before `freeze()` (all, if not frozen), by description. */
  live (): Record<string, number>
  /** From now on, resources made are ignored (the test's own waits, say). */
  freeze (): void
  stop (): void
}

/**
 * Tracks async resources from their init to their destroy hook. Unlike
 * `process.getActiveResourcesInfo()` this sees unref'd timers too (the store's GC
 * timer, hypercore's linger timers, keep-alives), which never keep Node alive but
 * still leak. Promises are left out: they are collected, not destroyed.
 */
export function trackResources (): ResourceTracker {
  const live = new Map<number, string>()
  let frozen = false
  // Loaded here, not at the top: Bare has no async_hooks, and the tests that import this
  // file for other helpers must still load there (the callers are Node-only tests).
  const { createHook } = require('async_hooks') as typeof AsyncHooks
  const hook = createHook({
    init (asyncId, type, _trigger, resource) {
      if (frozen || type === 'PROMISE') return
      live.set(asyncId, describe(type, resource))
    },
    destroy (asyncId) {
      live.delete(asyncId)
    }
  })
  hook.enable()
  return {
    live () {
      const counts: Record<string, number> = {}
      for (const d of live.values()) counts[d] = (counts[d] ?? 0) + 1
      return counts
    },
    freeze () { frozen = true },
    stop () { hook.disable() }
  }
}

function describe (type: string, resource: object): string {
  // Timers carry their callback: its name says whose timer it is.
  const cb = (resource as { _onTimeout?: unknown })._onTimeout
  return typeof cb === 'function' ? `${type}(${cb.name || 'anonymous'})` : type
}

/** Active handles and requests by type, as `process.getActiveResourcesInfo()` sees them. */
export function census (): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1
  return Object.fromEntries(Object.entries(counts).sort(([x], [y]) => x.localeCompare(y)))
}
