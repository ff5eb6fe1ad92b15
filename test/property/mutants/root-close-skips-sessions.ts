import { Corestore } from '../../../src/store/corestore'
import { patch, type Mutant } from './mutant'

interface StoreInternals {
  root: Corestore | null
  corestores: Set<Corestore>
  _close (): Promise<void>
}

/** Closing the root store forgets the store sessions made from it: they and their cores stay open. */
export const rootCloseSkipsSessions: Mutant = {
  name: 'root-close-skips-sessions',
  summary: 'the root\'s close() does not close the store sessions (session()/namespace()) made from it',
  apply: () => patch(Corestore.prototype as unknown as StoreInternals, '_close', (original) => async function (this: StoreInternals) {
    if (this.root === null) this.corestores.clear()
    await original.call(this)
  })
}
