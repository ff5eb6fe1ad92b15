import { Corestore } from '../../../src/store/corestore'
import { BAD_ARGUMENT } from '../../../src/store/errors'
import { patch, type Mutant } from './mutant'

/**
 * A closed store session fails calls as a bad argument instead of as a closed store. Upstream's error there has no code; the differential used to accept any error
 * against it (finding 8 of issue 15).
 */
export const closedStoreErrorIsBadArgument: Mutant = {
  name: 'closed-store-error-is-bad-argument',
  summary: 'a closed store session refuses get(), session() and replicate() with BAD_ARGUMENT instead of CORESTORE_CLOSED',
  killers: { properties: ['differential'] },
  apply: () => patch(Corestore.prototype, 'assertOpen', () => function (this: Corestore) {
    if (this.isClosing()) throw BAD_ARGUMENT('invalid input')
  })
}
