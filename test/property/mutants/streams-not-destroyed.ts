import { StreamTracker } from '../../../src/store/stream-tracker'
import { patch, type Mutant } from './mutant'

/** Closing the store leaves the replication streams it made running. */
export const streamsNotDestroyed: Mutant = {
  name: 'streams-not-destroyed',
  summary: 'StreamTracker.destroy() does nothing: close() leaves store-made streams open',
  apply: () => patch(StreamTracker.prototype, 'destroy', () => function () {})
}
