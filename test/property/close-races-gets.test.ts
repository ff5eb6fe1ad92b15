import { propertyTest } from './harness/property-test'

propertyTest('close-races-gets')
