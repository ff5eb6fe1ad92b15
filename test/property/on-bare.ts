import test from 'brittle'
import { propertyTest } from './harness/property-test'
import { STORE_PROPERTIES } from './properties/store-index'
import { nodeOnly } from '../helpers/runtime'

// The properties that need no simulator, under Bare (`npm run test:bare`, fewer runs than
// on Node: BARE_PROPERTY_RUNS, 20 by default). Not a *.test file: `npm run test:property`
// already runs them all on Node.

/** Store properties run on Bare. */
const ON_BARE = ['session-accounting', 'gc-live-sessions', 'close-races-gets', 'clean-close', 'durability', 'differential', 'gc-bypass-sessions']

/** Store properties that hang on Bare: with 5 runs no result within 100 s (under 1 s on Node). */
const HANG_ON_BARE = ['get-races-gc', 'replication-convergence', 'gc-liveness', 'one-core-per-key', 'close-vs-remote']

test('property: on bare: every store property is either run or listed with its reason', (t) => {
  t.alike([...ON_BARE, ...HANG_ON_BARE].sort(), STORE_PROPERTIES.map((p) => p.name).sort(), 'the two lists cover STORE_PROPERTIES')
})

for (const name of ON_BARE) propertyTest(name)

for (const name of HANG_ON_BARE) {
  test(`property: ${name}`, nodeOnly('hangs on Bare in the property harness (not diagnosed; not known to be a store bug); runs on Node in npm run test:property'), () => {})
}
