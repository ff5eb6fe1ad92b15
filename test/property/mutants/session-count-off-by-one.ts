import { SessionTracker } from '../../../src/store/session-tracker'
import type Hypercore from 'hypercore'
import { patch, type Mutant } from './mutant'

interface TrackerInternals {
  map: Map<string, Hypercore[]>
  gc (id: string): void
}

/** The session list of a core is dropped when one session is left in it, not none. */
export const sessionCountOffByOne: Mutant = {
  name: 'session-count-off-by-one',
  summary: 'SessionTracker.gc drops a core\'s session list while one session is still in it',
  apply: () => patch(SessionTracker.prototype as unknown as TrackerInternals, 'gc', () => function (this: TrackerInternals, id: string) {
    const list = this.map.get(id)
    if (list !== undefined && list.length <= 1) this.map.delete(id)
  })
}
