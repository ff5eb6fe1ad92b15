import { propertyTest } from './harness/property-test'

propertyTest('clean-close')
