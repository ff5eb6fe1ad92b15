import fc from 'fast-check'
import { defineProperty } from '../harness/property'
import { commandsReplayPath, countSteps, describeSteps, type ModelStep } from '../harness/model-step'
import type { StepTally } from '../harness/step-tally'
import { DiffModel } from '../model/diff-model'
import { DiffWorld } from '../model/diff-world'
import { DiffGet, DiffSessionStep, type DiffGetMode } from '../commands/diff-core-steps'
import { DiffCloseStore, DiffKeyPair, DiffList, DiffOpenStore, DiffRestart } from '../commands/diff-store-steps'

type DiffStep = ModelStep<DiffModel, DiffWorld>

/** A differential scenario: a primary key and the steps. */
interface DiffScenario {
  primaryKeyByte: number
  cmds: Iterable<fc.AsyncCommand<DiffModel, DiffWorld>>
}

const pick = fc.nat({ max: 15 })
const name = fc.constantFrom('c0', 'c1', 'c2')
const mode = fc.constantFrom<DiffGetMode>('name', 'name', 'name', 'key', 'discoveryKey', 'name-readonly', 'unknown-discoveryKey', 'bad-key', 'closed-store')

const step: fc.Arbitrary<DiffStep> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(pick, name, mode).map(([p, n, m]) => new DiffGet(p, n, m)) },
  { weight: 3, arbitrary: fc.tuple(pick, fc.nat({ max: 2 })).map(([p, n]) => new DiffSessionStep(p, 'append', n)) },
  { weight: 2, arbitrary: fc.tuple(pick, fc.nat({ max: 4 })).map(([p, n]) => new DiffSessionStep(p, 'read', n)) },
  { weight: 2, arbitrary: pick.map((p) => new DiffSessionStep(p, 'close', 0)) },
  { weight: 1, arbitrary: pick.map((p) => new DiffSessionStep(p, 'child', 0)) },
  { weight: 2, arbitrary: fc.tuple(pick, fc.option(fc.constantFrom('a', 'b'), { nil: null })).map(([p, ns]) => new DiffOpenStore(p, ns)) },
  { weight: 1, arbitrary: pick.map((p) => new DiffCloseStore(p)) },
  { weight: 1, arbitrary: fc.tuple(pick, name).map(([p, n]) => new DiffKeyPair(p, n)) },
  { weight: 1, arbitrary: fc.constant(new DiffList()) },
  { weight: 1, arbitrary: fc.constant(new DiffRestart()) }
)

async function run (v: DiffScenario, tally: StepTally): Promise<void> {
  const world = await DiffWorld.open(Buffer.alloc(32, v.primaryKeyByte))
  try {
    await fc.asyncModelRun(() => ({ model: new DiffModel(), real: world }), v.cmds)
    countSteps(v.cmds, tally)
  } finally {
    await world.dispose()
  }
}

/**
 * Differential: one generated scenario (store sessions, namespaces, gets by name, key
 * and discovery key, read-only gets, gets that must fail, appends, reads, closes, key
 * pairs, list, restarts) runs on our store and on upstream corestore 7.12.5 with the
 * same primary key; every step gives the same normalised result (keys, lengths,
 * blocks, ok or error, and the error code wherever upstream has one).
 */
export const differential = defineProperty<DiffScenario>({
  name: 'differential',
  summary: 'the same scenario on ours and on upstream corestore gives the same keys, lengths, blocks and error codes',
  ciRuns: 150,
  arbitrary: (ctx) => fc.record({
    primaryKeyByte: fc.nat({ max: 255 }),
    cmds: fc.commands([step], { maxCommands: 25, size: 'max', replayPath: ctx.replayPath ?? undefined })
  }),
  run,
  describe: (v) => describeSteps(v.cmds, new DiffModel()),
  setup: (v) => `ours = new Corestore(dir1, { primaryKey }); upstream = new (require('corestore'))(dir2, { primaryKey, unsafe: true }); primaryKey = 32 x 0x${v.primaryKeyByte.toString(16).padStart(2, '0')}; each step runs on both`,
  replayPath: (v) => commandsReplayPath(v.cmds)
})
