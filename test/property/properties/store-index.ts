import type { Property } from '../harness/property'
import { sessionAccounting } from './session-accounting'
import { gcLiveSessions } from './gc-live-sessions'
import { getRacesGc } from './get-races-gc'
import { closeRacesGets } from './close-races-gets'
import { cleanClose } from './clean-close'
import { durability } from './durability'
import { differential } from './differential'
import { replication } from './replication'
import { gcLiveness } from './gc-liveness'
import { oneCorePerKey } from './one-core-per-key'
import { closeVsRemote } from './close-vs-remote'
import { gcBypassSessions } from './gc-bypass-sessions'

// The properties that drive real stores only, never the simulator: this module must
// not load src/sim, so that they can run where the simulator cannot (Bare).

/** The properties that do not need the simulator. */
export const STORE_PROPERTIES: readonly Property[] = [
  sessionAccounting,
  gcLiveSessions,
  getRacesGc,
  closeRacesGets,
  cleanClose,
  durability,
  differential,
  replication,
  gcLiveness,
  oneCorePerKey,
  closeVsRemote,
  gcBypassSessions
]
