import { Corestore } from '../../../src/store/corestore'
import { patch, type Mutant } from './mutant'

/** The parts of a core the bug closes (hypercore's Core; the typings leave close out). */
interface Closable { close (): Promise<void> }

/**
 * The store's `suspend()` first closes every core it has open, to free memory while the
 * app is in the background, sessions on them or not: a session the app holds is left on
 * a closed core. The checks that no core closes under a live session see it on a peer
 * that sleeps with a session open (the `sleep` fault).
 */
export const suspendClosesCores: Mutant = {
  name: 'suspend-closes-cores',
  summary: 'suspend() closes every open core, including cores live sessions hold',
  killers: { tests: ['integration/sim-peer-net-faults.test.js'] },
  apply: () => patch(Corestore.prototype, 'suspend', (original) => async function (this: Corestore, ...args: Parameters<Corestore['suspend']>): Promise<void> {
    for (const id of this.cores.ids()) {
      const core = this.cores.get(id) as unknown as Closable | null
      if (core !== null) core.close().catch(() => {})
    }
    await original.apply(this, args)
  })
}
