import { CoreTracker } from '../../../src/store/core-tracker'
import type { Core } from '../../../src/store/types'
import { patchAll, patch, type Mutant } from './mutant'

// The private parts of CoreTracker the mutant reaches into (TS-private, plain JS properties).
interface TrackerInternals {
  map: Map<string, Core>
  idle: Map<Core, number>
  tick: number
  settings: { gcStrikes: number }
  collect (core: Core): void
  stopTimer (): void
  resume (id: string): Core | null
  cycle (): void
}

/** GC forgets that cores get used again: get() does not take a core out of GC, and a GC tick closes due cores whatever sessions they have. */
export const gcIgnoresLiveSessions: Mutant = {
  name: 'gc-ignores-live-sessions',
  summary: 'resume() does not cancel GC, and GC does not re-check for sessions before closing',
  apply: () => {
    const proto = CoreTracker.prototype as unknown as TrackerInternals
    return patchAll(
      () => patch(proto, 'resume', () => function (this: TrackerInternals, id: string) {
        return this.map.get(id) ?? null
      }),
      () => patch(proto, 'cycle', () => function (this: TrackerInternals) {
        const tick = ++this.tick
        const due = tick - this.settings.gcStrikes + 1
        for (const [core, since] of this.idle) {
          if (since > due) break
          this.idle.delete(core)
          this.collect(core)
        }
        if (this.idle.size === 0) this.stopTimer()
      })
    )
  }
}
