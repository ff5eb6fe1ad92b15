import { CoreTracker } from '../../../src/store/core-tracker'
import type { Core } from '../../../src/store/types'
import { patch, type Mutant } from './mutant'

interface TrackerInternals {
  due: Set<Core>
  draining: unknown
  collect (core: Core): void
}

/** GC closes every due core without re-checking it: a session made from another session (bypassing get()) loses its core. */
export const gcSkipsRecheck: Mutant = {
  name: 'gc-skips-recheck',
  summary: 'GC does not re-check a due core for live sessions before closing it',
  apply: () => patch(CoreTracker.prototype as unknown as TrackerInternals & { drain (): void }, 'drain', () => function (this: TrackerInternals) {
    this.draining = null
    for (const core of this.due) {
      this.due.delete(core)
      if (core.closing === null) this.collect(core)
    }
  })
}
