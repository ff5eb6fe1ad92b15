import { Corestore } from '../../../src/store/corestore'
import { patch, type Mutant } from './mutant'

/**
 * The store's `resume()` resolves without resuming its storage: after a sleep the
 * database stays suspended, so every read and write of the peer waits for ever. Only a
 * peer that suspends and must catch up after waking shows it (the `sleep` fault).
 */
export const resumeDoesNothing: Mutant = {
  name: 'resume-does-nothing',
  summary: 'resume() resolves without resuming the storage suspend() suspended',
  killers: { tests: ['integration/sim-peer-net-faults.test.js'] },
  apply: () => patch(Corestore.prototype, 'resume', () => async function (this: Corestore): Promise<void> {})
}
