import { CoreTracker } from '../../../src/store/core-tracker'
import type { Core } from '../../../src/store/types'
import { patch, type Mutant } from './mutant'

interface TrackerInternals {
  map: Map<string, Core>
  settings: { oncollect (core: Core): void }
  collect (core: Core): void
}

/** When a GC close finishes, the tracker forgets whatever core is under that key, even a fresh one a get() opened meanwhile. */
export const collectDropsAnyCore: Mutant = {
  name: 'collect-drops-any-core',
  summary: 'GC untracks the key after closing, even if a racing get() already put a new core there',
  apply: () => patch(CoreTracker.prototype as unknown as TrackerInternals, 'collect', () => function (this: TrackerInternals, core: Core) {
    const id = core.discoveryKey.toString('hex')
    const done = (): void => {
      this.map.delete(id)
      this.settings.oncollect(core)
    }
    core.close().then(done, done)
  })
}
