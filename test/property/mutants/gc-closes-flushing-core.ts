import { Corestore } from '../../../src/store/corestore'
import { CoreTracker } from '../../../src/store/core-tracker'
import { SessionTracker } from '../../../src/store/session-tracker'
import type { Core } from '../../../src/store/types'
import { patchAll, patch, type Mutant } from './mutant'

interface StoreInternals {
  cores: CoreTracker
  openCore (...args: unknown[]): Core
}

interface SessionTrackerInternals {
  map: Map<string, unknown[]>
  gc (id: string): void
}

/**
 * GC counts a core idle when its last session closes, instead of when hypercore says
 * so (hypercore also waits for pending writes): a core whose append is still flushing
 * to a slow disk is closed under the write.
 */
export const gcClosesFlushingCore: Mutant = {
  name: 'gc-closes-flushing-core',
  summary: 'GC starts counting a core idle at its last session close, so it closes a core while its flush is still pending',
  apply: () => {
    const owners = new Map<string, { core: Core, tracker: CoreTracker }>()
    return patchAll(
      () => patch(Corestore.prototype as unknown as StoreInternals, 'openCore', (original) => function (this: StoreInternals, ...args: unknown[]) {
        const core = original.apply(this, args)
        owners.set(core.discoveryKey.toString('hex'), { core, tracker: this.cores })
        return core
      }),
      () => patch(SessionTracker.prototype as unknown as SessionTrackerInternals, 'gc', (original) => function (this: SessionTrackerInternals, id: string) {
        original.call(this, id)
        const owner = owners.get(id)
        if (this.map.has(id) || owner === undefined) return
        if (owner.core.closing === null && !owner.core.hasSession()) owner.tracker.gc(owner.core)
      })
    )
  }
}
