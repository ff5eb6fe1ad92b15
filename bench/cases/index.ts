import type { BenchCase } from '../case'
import { openNamedCase } from './open-named'
import { sessionChurnCase } from './session-churn'
import { idleCoresCase } from './idle-cores'
import { dynamicAttachCase } from './dynamic-attach'
import { firstBlockCase } from './first-block'
import { simulatorCase } from './simulator'

/** Every case, in the order they run and are printed. */
export const CASES: readonly BenchCase[] = [
  openNamedCase,
  sessionChurnCase,
  idleCoresCase,
  dynamicAttachCase,
  firstBlockCase,
  simulatorCase
]

/** The case with this id; throws with the list of ids otherwise. */
export function findCase (id: string | undefined): BenchCase {
  const found = CASES.find((c) => c.id === id)
  if (found === undefined) throw new Error(`Unknown case ${JSON.stringify(id)}; cases: ${CASES.map((c) => c.id).join(', ')}`)
  return found
}
