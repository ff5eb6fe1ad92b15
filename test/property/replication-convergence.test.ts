import { propertyTest } from './harness/property-test'

propertyTest('replication-convergence')
