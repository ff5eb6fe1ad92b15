import fc from 'fast-check'
import { commandsReplayPath, countSteps, describeSteps } from '../harness/model-step'
import type { StepTally } from '../harness/step-tally'
import type { ScenarioContext } from '../harness/property'
import { storeCommands, type StepWeights, DEFAULT_WEIGHTS } from '../commands/store-arbitraries'
import { StoreModel, type GcConfig } from '../model/store-model'
import { StoreWorld } from '../model/store-world'

/** A generated single-store scenario: GC settings, a primary key, and the steps. */
export interface StoreScenario {
  gc: GcConfig
  primaryKeyByte: number
  cmds: Iterable<fc.AsyncCommand<StoreModel, StoreWorld>>
}

/** Knobs of a single-store property's generator. */
export interface StoreScenarioShape {
  weights?: StepWeights
  maxCommands?: number
  strikesMax?: number
}

/** The arbitrary of single-store scenarios. */
export function storeScenario (ctx: ScenarioContext, shape: StoreScenarioShape = {}): fc.Arbitrary<StoreScenario> {
  return fc.record({
    gc: fc.record({ intervalMs: fc.constantFrom(100, 2000), strikes: fc.integer({ min: 1, max: shape.strikesMax ?? 4 }) }),
    primaryKeyByte: fc.nat({ max: 255 }),
    cmds: storeCommands(ctx.replayPath, shape.weights ?? DEFAULT_WEIGHTS, shape.maxCommands ?? 30)
  })
}

/**
 * Runs the steps on a fresh root store (and peer store B if `withPeer`) with
 * `invariant` checked after each one, then `atEnd` (before the store closes), and
 * always releases the stores and the clock. Counts the steps into `tally` if given.
 */
export async function runStoreScenario (
  s: StoreScenario,
  invariant: (m: StoreModel, w: StoreWorld) => Promise<void>,
  atEnd: (m: StoreModel, w: StoreWorld) => Promise<void> = async () => {},
  withPeer = false,
  tally: StepTally | null = null
): Promise<void> {
  const world = await StoreWorld.open({ gc: s.gc, primaryKey: Buffer.alloc(32, s.primaryKeyByte), invariant, withPeer })
  try {
    const model = new StoreModel(s.gc)
    await fc.asyncModelRun(() => ({ model, real: world }), s.cmds)
    if (tally !== null) countSteps(s.cmds, tally)
    await atEnd(model, world)
  } finally {
    await world.dispose()
  }
}

/** Readable steps of a single-store scenario. */
export function describeStoreScenario (s: StoreScenario): string[] {
  return describeSteps(s.cmds, new StoreModel(s.gc))
}

/** The setup line of a single-store scenario. */
export function storeSetup (s: StoreScenario): string {
  return `store#0 = new Corestore(dir, { gcIntervalMs: ${s.gc.intervalMs}, gcStrikes: ${s.gc.strikes}, primaryKey: 32 x 0x${s.primaryKeyByte.toString(16).padStart(2, '0')} }) under a fake clock at t=0`
}

/** The replay path of a single-store scenario. */
export function storeReplayPath (s: StoreScenario): string | null {
  return commandsReplayPath(s.cmds)
}
