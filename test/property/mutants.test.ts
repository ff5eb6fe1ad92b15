import test from 'brittle'
import Hypercore from 'hypercore'
import { MUTANTS } from './mutants'
import { Corestore } from '../../src/store/corestore'
import { CoreTracker } from '../../src/store/core-tracker'
import { SessionTracker } from '../../src/store/session-tracker'
import { StreamTracker } from '../../src/store/stream-tracker'
import { Replication } from '../../src/store/replication'
import * as keyDerivation from '../../src/store/key-derivation'
import * as storeOptions from '../../src/store/store-options'
import { autobaseHooks, hyperbeeOperations, hyperdriveOperations } from '../../src/sim'

// Everything a planted bug may patch: prototypes of the compiled store and module exports.
const TARGETS: Record<string, object> = {
  'Corestore.prototype': Corestore.prototype,
  'CoreTracker.prototype': CoreTracker.prototype,
  'SessionTracker.prototype': SessionTracker.prototype,
  'StreamTracker.prototype': StreamTracker.prototype,
  'Replication.prototype': Replication.prototype,
  'key-derivation': keyDerivation,
  'store-options': storeOptions,
  Hypercore,
  // Planted bugs in an app's use of the store: the built-in workloads' parts.
  hyperbeeOperations,
  autobaseHooks,
  hyperdriveOperations
}

function snapshot (): Map<string, unknown> {
  const out = new Map<string, unknown>()
  for (const [name, target] of Object.entries(TARGETS)) {
    for (const key of Object.getOwnPropertyNames(target)) {
      const d = Object.getOwnPropertyDescriptor(target, key)
      out.set(`${name}.${key}`, d?.value ?? d?.get)
    }
  }
  return out
}

function changed (before: Map<string, unknown>, after: Map<string, unknown>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()])
  return [...keys].filter((k) => before.get(k) !== after.get(k))
}

test('mutants: each planted bug patches the store and restores every original', (t) => {
  const names = new Set(MUTANTS.map((m) => m.name))
  t.is(names.size, MUTANTS.length, 'mutant names are unique')
  t.ok(MUTANTS.length >= 6, `${MUTANTS.length} planted bugs`)
  const pristine = snapshot()
  for (const m of MUTANTS) {
    const restore = m.apply()
    const patched = changed(pristine, snapshot())
    restore()
    t.ok(patched.length > 0, `${m.name} patches ${patched.join(', ')}`)
    t.alike(changed(pristine, snapshot()), [], `${m.name} restored everything it patched`)
  }
})
