import type Corestore from '../../src'
import type { Core } from '../../src/store/types'

/** Resolves when the store's GC has closed `core` (its 'gc' event for that core). */
export function collected (store: Corestore, core: Core): Promise<void> {
  return new Promise((resolve) => {
    const onGc = (c: Core): void => {
      if (c !== core) return
      store.off('gc', onGc)
      resolve()
    }
    store.on('gc', onGc)
  })
}

/**
 * Opens a named core, closes it and waits for GC to collect it. A core that went idle
 * before the sentinel and is still open afterwards was not collected by choice: GC
 * collects cores in the order they went idle.
 */
export async function sentinel (store: Corestore, name: string): Promise<Core> {
  const s = store.get({ name })
  await s.ready()
  const core = s.core as Core
  const done = collected(store, core)
  await s.close()
  await done
  return core
}
