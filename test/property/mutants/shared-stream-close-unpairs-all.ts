import * as discoveryDispatch from '../../../src/store/discovery-dispatch'
import type { Muxer } from '../../../src/store/types'
import { patch, type Mutant } from './mutant'

/**
 * A store that leaves a stream it shares with other stores unpairs the hypercore
 * protocol on it: the stores still on the stream stop attaching stored cores the
 * remote asks for (finding 6 of issue 15: "b still serves after a closed").
 */
export const sharedStreamCloseUnpairsAll: Mutant = {
  name: 'shared-stream-close-unpairs-all',
  summary: 'a store closing on a shared stream stops dynamic attach for every store on it',
  killers: { tests: ['store/replication-streams.test.js'] },
  apply: () => patch(discoveryDispatch, 'addDiscoveryHandler', (original) => (muxer: Muxer, handler: discoveryDispatch.DiscoveryHandler) => {
    const detach = original(muxer, handler)
    return () => {
      detach()
      muxer.unpair({ protocol: 'hypercore/alpha' })
    }
  })
}
