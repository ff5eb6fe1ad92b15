import { Corestore } from '../../../src/store/corestore'
import type { Core, GetOptions } from '../../../src/store/types'
import { patch, type Mutant } from './mutant'

interface StoreInternals {
  openCore (auth: unknown, opts: GetOptions): Core
}

/** Cores opened after replication started never join the running streams. */
export const newCoresNotAttached: Mutant = {
  name: 'new-cores-not-attached',
  summary: 'the ondownloading hook is not installed: cores opened after replicate() are not attached',
  apply: () => patch(Corestore.prototype as unknown as StoreInternals, 'openCore', (original) => function (this: StoreInternals, auth: unknown, opts: GetOptions) {
    const core = original.call(this, auth, opts)
    core.replicator.ondownloading = null
    return core
  })
}
