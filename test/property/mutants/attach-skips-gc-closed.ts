import { Replication } from '../../../src/store/replication'
import type { Corestore } from '../../../src/store/corestore'
import type { Core, Muxer } from '../../../src/store/types'
import { patch, type Mutant } from './mutant'

interface ReplicationInternals {
  store: Corestore
  attachMaybe (muxer: Muxer, discoveryKey: Buffer): Promise<void>
}

// Discovery keys GC closed, per root store (the bug's stale "closed" mark).
const collected = new WeakMap<Corestore, Set<string>>()

function closedByGc (store: Corestore): Set<string> {
  const root = store.root ?? store
  let ids = collected.get(root)
  if (ids === undefined) {
    const fresh = new Set<string>()
    ids = fresh
    collected.set(root, fresh)
    root.on('gc', (core: Core) => fresh.add(core.discoveryKey.toString('hex')))
  }
  return ids
}

/**
 * Once GC has closed a core, a remote asking for it gets nothing until a local session
 * opens it again: ours times out where upstream serves the block (finding 1 of issue
 * 15: a one-sided timeout the old differential skipped).
 */
export const attachSkipsGcClosed: Mutant = {
  name: 'attach-skips-gc-closed',
  summary: 'dynamic attach ignores requests for a core GC closed, until a local get reopens it',
  killers: { properties: ['sim-differential'] },
  apply: () => patch(Replication.prototype as unknown as ReplicationInternals, 'attachMaybe', (original) => async function (this: ReplicationInternals, muxer: Muxer, discoveryKey: Buffer) {
    const id = discoveryKey.toString('hex')
    if (closedByGc(this.store).has(id) && !this.store.cores.opened(id)) return
    await original.call(this, muxer, discoveryKey)
  })
}
