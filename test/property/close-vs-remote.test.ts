import { propertyTest } from './harness/property-test'

propertyTest('close-vs-remote')
