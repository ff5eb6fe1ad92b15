import { StreamTracker } from '../../../src/store/stream-tracker'
import type { ProtocolStream } from '../../../src/store/types'
import { patch, type Mutant } from './mutant'

interface TrackerInternals {
  records: Set<{ stream: ProtocolStream }>
}

/** close() destroys the streams replicate() made, which are the caller's (upstream leaves them open). */
export const closeDestroysStreams: Mutant = {
  name: 'close-destroys-streams',
  summary: 'StreamTracker.clear() destroys the streams: close() takes away streams the caller owns',
  apply: () => patch(StreamTracker.prototype, 'clear', (original) => function (this: StreamTracker) {
    const streams = [...(this as unknown as TrackerInternals).records].map((r) => r.stream)
    original.call(this)
    for (const stream of streams) stream.destroy()
  })
}
