import { propertyTest } from './harness/property-test'

propertyTest('sim-disk-faults')
