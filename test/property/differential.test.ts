import { propertyTest } from './harness/property-test'

propertyTest('differential')
