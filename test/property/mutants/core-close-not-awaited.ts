import { CoreTracker } from '../../../src/store/core-tracker'
import type { Core } from '../../../src/store/types'
import { patch, type Mutant } from './mutant'

interface TrackerInternals {
  map: Map<string, Core>
  idle: Map<Core, number>
  watchers: Set<unknown>
  stopTimer (): void
  close (): Promise<void>
}

/** The store closes its storage without waiting for its cores to flush and close. */
export const coreCloseNotAwaited: Mutant = {
  name: 'core-close-not-awaited',
  summary: 'CoreTracker.close() starts closing the cores but does not wait: storage closes under them',
  apply: () => patch(CoreTracker.prototype as unknown as TrackerInternals, 'close', () => async function (this: TrackerInternals) {
    this.stopTimer()
    this.idle.clear()
    this.watchers.clear()
    for (const core of this.map.values()) {
      core.onidle = () => {}
      core.close().catch(() => {})
    }
    this.map.clear()
  })
}
