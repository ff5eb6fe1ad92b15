import type { Property } from '../harness/property'
import { STORE_PROPERTIES } from './store-index'
import { simConvergence } from './sim-convergence'
import { simDurability } from './sim-durability'
import { simDifferential } from './sim-differential'
import { simDiskFaults } from './sim-disk-faults'
import { simDiskDifferential } from './sim-disk-differential'
import { simWorkloads } from './sim-workloads'
import { simWorkloadDifferential } from './sim-workload-differential'

/** Every property, in the order `npm test` and the mutant runner use: the store's own, then the simulator's. */
export const PROPERTIES: readonly Property[] = [
  ...STORE_PROPERTIES,
  simConvergence,
  simDurability,
  simDifferential,
  simDiskFaults,
  simDiskDifferential,
  simWorkloads,
  simWorkloadDifferential
]

/** A property by name; throws with the list of names if unknown. */
export function findProperty (name: string): Property {
  const p = PROPERTIES.find((q) => q.name === name)
  if (p === undefined) throw new Error(`unknown property ${JSON.stringify(name)}; known: ${PROPERTIES.map((q) => q.name).join(', ')}`)
  return p
}
