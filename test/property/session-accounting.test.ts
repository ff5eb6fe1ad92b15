import { propertyTest } from './harness/property-test'

propertyTest('session-accounting')
