import fc from 'fast-check'
import type Hypercore from 'hypercore'
import { defineProperty } from '../harness/property'
import { commandsReplayPath, countSteps, describeSteps } from '../harness/model-step'
import type { StepTally } from '../harness/step-tally'
import { REPLICATION_WAIT, waitUntil } from '../harness/settle'
import { PairModel, pairBlock } from '../model/pair-model'
import { PairWorld } from '../model/pair-world'
import { PairStep, type PairOp } from '../commands/pair-steps'

/** A replication scenario: writer/reader steps, then a heal. */
interface PairScenario {
  cmds: Iterable<fc.AsyncCommand<PairModel, PairWorld>>
}

const WEIGHTS: Array<[PairOp, number]> = [
  ['append', 5], ['close-writer', 2], ['open-reader', 3], ['close-reader', 1], ['download', 2],
  ['connect', 3], ['disconnect', 2], ['tick', 3], ['restart-writer', 1], ['restart-reader', 1]
]

const step = fc.oneof(...WEIGHTS.map(([op, weight]) => ({
  weight,
  arbitrary: fc.tuple(fc.nat({ max: 1 }), fc.nat({ max: 3 })).map(([core, n]) => new PairStep(op, core, n))
})))

/** Heal: a fresh pipe, B opens every writer core by key and downloads it; B must get every acknowledged block. */
async function heal (m: PairModel, w: PairWorld): Promise<void> {
  w.connect()
  const reading: Array<{ name: string, length: number, session: Hypercore }> = []
  try {
    for (const [name, length] of m.lengths) {
      const session = w.b.get({ key: w.keys.get(name) as Buffer })
      reading.push({ name, length, session })
      await session.ready()
      session.download({ start: 0, end: length })
    }
    const converged = await waitUntil(w.clock, () => reading.every((r) => r.session.contiguousLength >= r.length), REPLICATION_WAIT)
    if (!converged) {
      const state = reading.map((r) => `${r.name} ${r.session.contiguousLength}/${r.length}`).join(', ')
      throw new Error(`CONVERGENCE: after heal B never caught up with A (B has ${state})`)
    }
    for (const r of reading) {
      for (let i = 0; i < r.length; i++) {
        const block = await r.session.get(i, { wait: false })
        if (block?.toString() !== pairBlock(r.name, i)) throw new Error(`CONVERGENCE: B's block ${i} of ${r.name} is ${JSON.stringify(block?.toString())}`)
      }
    }
  } finally {
    for (const r of reading) await r.session.close().catch(() => {})
  }
}

async function run (v: PairScenario, tally: StepTally): Promise<void> {
  const world = await PairWorld.open()
  try {
    const model = new PairModel()
    await fc.asyncModelRun(() => ({ model, real: world }), v.cmds)
    countSteps(v.cmds, tally)
    await heal(model, world)
  } finally {
    await world.dispose()
  }
}

/**
 * Convergence of two stores replicating in one process: writer A appends to named
 * cores, reader B opens them by key and downloads, pipes come and go, GC closes idle
 * cores on both sides, either store restarts. B never holds a wrong block; after a
 * heal (a new pipe, B asks for every core), B gets every block A acknowledged.
 * (Partitions, stalls and crashes over many peers run on the simulator.)
 */
export const replication = defineProperty<PairScenario>({
  name: 'replication-convergence',
  summary: 'two stores converge after disconnects, GC and restarts; no wrong block is ever held',
  ciRuns: 120,
  scenarioTimeoutMs: 30000,
  arbitrary: (ctx) => fc.record({
    cmds: fc.commands([step], { maxCommands: 20, size: 'max', replayPath: ctx.replayPath ?? undefined })
  }),
  run,
  describe: (v) => [...describeSteps(v.cmds, new PairModel()), 'heal: new pipe; B opens every writer core by key and downloads it all'],
  setup: () => 'A = new Corestore(dirA), B = new Corestore(dirB), both { gcIntervalMs: 100, gcStrikes: 2 }, fake clock at t=0',
  replayPath: (v) => commandsReplayPath(v.cmds)
})
