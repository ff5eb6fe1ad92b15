import type { Property } from '../harness/property'
import { sessionAccounting } from './session-accounting'
import { gcLiveSessions } from './gc-live-sessions'
import { getRacesGc } from './get-races-gc'
import { closeRacesGets } from './close-races-gets'
import { cleanClose } from './clean-close'
import { durability } from './durability'
import { differential } from './differential'
import { replication } from './replication'
import { simConvergence } from './sim-convergence'
import { simDurability } from './sim-durability'
import { simDifferential } from './sim-differential'
import { simDiskFaults } from './sim-disk-faults'
import { simDiskDifferential } from './sim-disk-differential'
import { gcLiveness } from './gc-liveness'
import { oneCorePerKey } from './one-core-per-key'
import { closeVsRemote } from './close-vs-remote'
import { gcBypassSessions } from './gc-bypass-sessions'
import { simWorkloads } from './sim-workloads'
import { simWorkloadDifferential } from './sim-workload-differential'

/** Every property, in the order `npm test` and the mutant runner use. */
export const PROPERTIES: readonly Property[] = [
  sessionAccounting,
  gcLiveSessions,
  getRacesGc,
  closeRacesGets,
  cleanClose,
  durability,
  differential,
  replication,
  simConvergence,
  simDurability,
  simDifferential,
  simDiskFaults,
  simDiskDifferential,
  gcLiveness,
  oneCorePerKey,
  closeVsRemote,
  gcBypassSessions,
  simWorkloads,
  simWorkloadDifferential
]

/** A property by name; throws with the list of names if unknown. */
export function findProperty (name: string): Property {
  const p = PROPERTIES.find((q) => q.name === name)
  if (p === undefined) throw new Error(`unknown property ${JSON.stringify(name)}; known: ${PROPERTIES.map((q) => q.name).join(', ')}`)
  return p
}
