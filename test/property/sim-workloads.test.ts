import { propertyTest } from './harness/property-test'

propertyTest('sim-workloads')
