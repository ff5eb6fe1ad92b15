import { propertyTest } from './harness/property-test'

propertyTest('gc-liveness')
