import type { Property } from '../harness/property'
import { sessionAccounting } from './session-accounting'
import { gcLiveSessions } from './gc-live-sessions'
import { getRacesGc } from './get-races-gc'

/** Every property, in the order `npm test` and the mutant runner use. */
export const PROPERTIES: readonly Property[] = [
  sessionAccounting,
  gcLiveSessions,
  getRacesGc
]

/** A property by name; throws with the list of names if unknown. */
export function findProperty (name: string): Property {
  const p = PROPERTIES.find((q) => q.name === name)
  if (p === undefined) throw new Error(`unknown property ${JSON.stringify(name)}; known: ${PROPERTIES.map((q) => q.name).join(', ')}`)
  return p
}
