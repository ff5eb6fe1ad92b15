import { propertyTest } from './harness/property-test'

propertyTest('get-races-gc')
