import test from 'brittle'
import Hypercore from 'hypercore'
import { MUTANTS } from './mutants'
import { patch } from './mutants/mutant'
import { Corestore } from '../../src/store/corestore'
import { CoreTracker } from '../../src/store/core-tracker'
import { SessionTracker } from '../../src/store/session-tracker'
import { StreamTracker } from '../../src/store/stream-tracker'
import { Replication } from '../../src/store/replication'
import { FindingPeers } from '../../src/store/finding-peers'
import { GroupNotifiers } from '../../src/store/group-notify'
import * as keyDerivation from '../../src/store/key-derivation'
import * as storeOptions from '../../src/store/store-options'
import * as discoveryDispatch from '../../src/store/discovery-dispatch'
import { runTestFile } from './mutants/test-file'
import { autobaseHooks, hyperbeeOperations, hyperdriveOperations } from '../../src/sim'
import { Link } from '../../src/sim/network/link'

// Everything a planted bug may patch: prototypes of the compiled store and module exports.
const TARGETS: Record<string, object> = {
  'Corestore.prototype': Corestore.prototype,
  'CoreTracker.prototype': CoreTracker.prototype,
  'SessionTracker.prototype': SessionTracker.prototype,
  'StreamTracker.prototype': StreamTracker.prototype,
  'Replication.prototype': Replication.prototype,
  'FindingPeers.prototype': FindingPeers.prototype,
  'GroupNotifiers.prototype': GroupNotifiers.prototype,
  'key-derivation': keyDerivation,
  'store-options': storeOptions,
  'discovery-dispatch': discoveryDispatch,
  Hypercore,
  'Hypercore.prototype': Hypercore.prototype,
  // Planted bugs in an app's use of the store: the built-in workloads' parts.
  hyperbeeOperations,
  autobaseHooks,
  hyperdriveOperations,
  // Planted bugs of the simulator's own fault paths (a fault that does not do what it says).
  'Link.prototype': Link.prototype
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

test('mutants: a patch of a name that is not there throws (it would plant nothing)', (t) => {
  const target = { present (): number { return 1 } }
  t.exception(() => patch(target as { present: () => number, absent?: () => number }, 'absent', () => () => 2), /nothing named absent to patch/)
  const restore = patch(target, 'present', () => () => 2)
  t.is(target.present(), 2, 'a present name is patched')
  restore()
  t.is(target.present(), 1, 'and restored')
})

// Planted bugs caught by test files are cheap to check: `npm test` checks each one is
// still caught (the property-caught ones are checked through their pinned sentinels in
// regressions.test, and in full by `npm run mutants`).
test('mutants: every planted bug with test-file killers fails each of them', { timeout: 5 * 60 * 1000 }, async (t) => {
  const byTests = MUTANTS.filter((m) => (m.killers?.tests?.length ?? 0) > 0)
  t.ok(byTests.length > 0, `${byTests.length} planted bugs are caught by test files`)
  for (const m of byTests) {
    for (const file of m.killers?.tests ?? []) {
      const run = await runTestFile(m.name, file)
      t.ok(run.failed, `${m.name}: ${file} fails${run.notOk.length > 0 ? ` (${run.notOk[0] ?? ''})` : ''}`)
    }
  }
})
