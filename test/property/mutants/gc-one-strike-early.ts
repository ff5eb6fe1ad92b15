import * as storeOptions from '../../../src/store/store-options'
import { patch, type Mutant } from './mutant'

/** GC closes an idle core one interval before its last strike. */
export const gcOneStrikeEarly: Mutant = {
  name: 'gc-one-strike-early',
  summary: 'the store runs GC with one strike fewer than configured',
  apply: () => patch(storeOptions, 'resolveGcSettings', (original) => (opts, oncollect) => {
    const settings = original(opts, oncollect)
    return { ...settings, gcStrikes: Math.max(1, settings.gcStrikes - 1) }
  })
}
