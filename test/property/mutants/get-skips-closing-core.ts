import { CoreTracker } from '../../../src/store/core-tracker'
import type { Core } from '../../../src/store/types'
import { patch, type Mutant } from './mutant'

interface TrackerInternals {
  resume (id: string): Core | null
}

/** A get() racing the close of the previous core opens a fresh core at once instead of after that close. */
export const getSkipsClosingCore: Mutant = {
  name: 'get-skips-closing-core',
  summary: 'resume() hides a closing core, so the next core of the key opens without waiting for its close',
  apply: () => patch(CoreTracker.prototype as unknown as TrackerInternals, 'resume', (original) => function (this: CoreTracker, id: string) {
    const core = original.call(this, id)
    return core !== null && core.closing !== null ? null : core
  })
}
