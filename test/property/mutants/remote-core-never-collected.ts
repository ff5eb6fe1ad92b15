import { Replication } from '../../../src/store/replication'
import type { Corestore } from '../../../src/store/corestore'
import type { Muxer } from '../../../src/store/types'
import { patch, type Mutant } from './mutant'

interface ReplicationInternals {
  store: Corestore
  attachMaybe (muxer: Muxer, discoveryKey: Buffer): Promise<void>
}

/**
 * A core the store opened because a remote asked for it (dynamic attach, no session)
 * is never handed to GC: it stays open after the remote is done (issue 15, item 10).
 */
export const remoteCoreNeverCollected: Mutant = {
  name: 'remote-core-never-collected',
  summary: 'a core opened by dynamic attach never reports idle, so GC never closes it',
  killers: { tests: ['store/gc.test.js'] },
  apply: () => patch(Replication.prototype as unknown as ReplicationInternals, 'attachMaybe', (original) => async function (this: ReplicationInternals, muxer: Muxer, discoveryKey: Buffer) {
    await original.call(this, muxer, discoveryKey)
    const core = this.store.cores.get(discoveryKey)
    if (core !== null && !core.hasSession()) core.onidle = () => {}
  })
}
