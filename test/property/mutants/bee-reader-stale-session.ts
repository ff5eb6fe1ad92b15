import { hyperbeeOperations, type Bee } from '../../../src/sim'
import { patch, type Mutant } from './mutant'

/**
 * The app's bug, not the store's: a hyperbee reader keeps the first snapshot it took and
 * answers every later `get` from it, while reporting the bee's current version.
 */
export const beeReaderStaleSession: Mutant = {
  name: 'bee-reader-stale-session',
  summary: 'workload hyperbee: a reader caches its first snapshot session and reads stale values under a newer version',
  apply: () => {
    const cached = new WeakMap<Bee, Bee>()
    return patch(hyperbeeOperations, 'get', (original) => ({
      ...original,
      run: async (peer, a, ctx) => {
        let snap = cached.get(peer.app)
        if (snap === undefined) cached.set(peer.app, (snap = peer.app.snapshot()))
        const key = String(a.key)
        const entry = await snap.get(key, { timeout: ctx.timeoutMs })
        const v = peer.app.version
        ctx.state.seen.push({ peer: peer.index, v, what: 'get', entries: entry === null ? [] : [[entry.key, entry.value]], gte: key, lt: key })
        return { v, n: entry === null ? 0 : 1 }
      }
    }))
  }
}
