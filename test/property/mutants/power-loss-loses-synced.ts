import { SyncPoints } from '../../../src/sim/disk/sync-points'
import { patch, type Mutant } from './mutant'

/** The private step of SyncPoints this bug breaks. */
interface Taking { take (): void, onsync: () => void }

/**
 * The simulated disk keeps only its first sync point: later ones are reported synced
 * (the model trusts them) but never copied, so a power loss rolls the folder back past
 * data the disk had made durable. The durability check after the restart must notice.
 */
export const powerLossLosesSynced: Mutant = {
  name: 'power-loss-loses-synced',
  summary: 'a power loss loses writes the disk had synced (only the first sync point is kept)',
  killers: { tests: ['integration/sim-faults-disk.test.js'] },
  apply: () => {
    const taken = new WeakSet<object>()
    return patch(SyncPoints.prototype as unknown as Taking, 'take', (original) => function (this: Taking) {
      if (taken.has(this)) {
        this.onsync()
        return
      }
      taken.add(this)
      original.call(this)
    })
  }
}
