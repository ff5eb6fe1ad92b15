import Hypercore from 'hypercore'
import { Corestore } from '../../../src/store/corestore'
import { patch, type Mutant } from './mutant'

interface StoreInternals {
  findingPeersState: { add (session: Hypercore): void } | null
  makeSession (conf: Hypercore.SessionConfig, preloading: boolean): Hypercore
}

/** Sessions still loading (by name or discovery key) are not tracked, so close() does not wait for them. */
export const closeIgnoresPending: Mutant = {
  name: 'close-ignores-pending',
  summary: 'close() does not wait for (or close) sessions whose get() is still preloading',
  apply: () => patch(Corestore.prototype as unknown as StoreInternals, 'makeSession', () => function (this: StoreInternals, conf: Hypercore.SessionConfig) {
    const session = new Hypercore(null, null, conf)
    if (this.findingPeersState !== null) this.findingPeersState.add(session)
    return session
  })
}
