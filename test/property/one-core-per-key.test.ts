import { propertyTest } from './harness/property-test'

propertyTest('one-core-per-key')
