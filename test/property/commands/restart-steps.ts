import { ModelStep } from '../harness/model-step'
import { blockOf, type StoreModel } from '../model/store-model'
import type { StoreWorld } from '../model/store-world'

/**
 * Every acknowledged append is there: opens each core the model knows by key and reads
 * its length and every block. Throws on the first block missing or different.
 */
export async function verifyAcknowledged (m: StoreModel, w: StoreWorld, when: string): Promise<void> {
  for (const core of m.cores.values()) {
    const keys = w.keys.get(core.id)
    if (keys === undefined) continue
    const session = w.root.get({ key: keys.key })
    try {
      await session.ready()
      if (session.length < core.length) throw new Error(`DURABILITY: ${when}: ${core.id} has length ${session.length}, ${core.length} block(s) were acknowledged`)
      for (let i = 0; i < core.length; i++) {
        const block = await session.get(i, { wait: false })
        if (block?.toString() !== blockOf(core.id, i)) throw new Error(`DURABILITY: ${when}: ${core.id} block ${i} is ${block === null ? 'missing' : JSON.stringify(block.toString())}`)
      }
    } finally {
      await session.close()
    }
  }
}

/** Closes the root store and opens a new one over the same folder, then checks every acknowledged append. */
export class Restart extends ModelStep<StoreModel, StoreWorld> {
  check (): boolean {
    return true
  }

  label (): string {
    return 'A.close(); A = new Corestore(same dir); every acknowledged block is read back'
  }

  async act (m: StoreModel, w: StoreWorld): Promise<void> {
    await w.restart()
    await verifyAcknowledged(m, w, 'after restart')
  }

  apply (m: StoreModel): void {
    m.restart()
  }

  toString (): string {
    return 'restart'
  }
}
