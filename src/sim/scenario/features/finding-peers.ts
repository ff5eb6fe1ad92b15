import { createHash } from 'crypto'
import type { Feature, FeatureContext } from './feature'
import { apiStore, closeAll, within } from './feature'

/** How long, in virtual ms, the held updates are watched before the release. */
export const HOLD_MS = 2000

/**
 * A key no peer has: hashed from the peer, the virtual time and `k`, so each step opens
 * cores of its own (remote peers never store them, so nothing can answer an update).
 */
export function unknownKey (ctx: FeatureContext, label: string, k: number): Buffer {
  return createHash('sha256').update(`api-${label}/${ctx.peer.index}/${ctx.clock.now()}/${k}`).digest()
}

/**
 * `findingPeers()` on a store session: an update() of a core no peer has stays pending
 * while the handle is held, for a session opened before the call (`early`) as for one
 * opened after it (`late`), each on its own core (hypercore holds per core), and both
 * settle, with no upgrade, once it is released.
 */
export const findingPeersFeature: Feature = {
  name: 'finding-peers',
  draw (prng, plan) {
    return { kind: 'api', peer: prng.int(0, plan.peers - 1), feature: 'finding-peers', arg: 0 }
  },
  async run (ctx) {
    const store = apiStore(ctx).session()
    const early = store.get({ key: unknownKey(ctx, 'finding-peers', 0) })
    let late: ReturnType<typeof store.get> | null = null
    let held: (() => void) | null = null
    try {
      await early.ready()
      const release = held = store.findingPeers()
      late = store.get({ key: unknownKey(ctx, 'finding-peers', 1) })
      await late.ready()
      const settled = { early: false, late: false }
      const updates = [
        early.update().then((up) => { settled.early = true; return up }),
        late.update().then((up) => { settled.late = true; return up })
      ]
      await within(ctx, Promise.race(updates), HOLD_MS)
      const bad: string[] = []
      if (settled.early) bad.push(`an update() of a session opened before findingPeers() settled within ${HOLD_MS} ms, before the release`)
      if (settled.late) bad.push(`an update() of a session opened after findingPeers() settled within ${HOLD_MS} ms, before the release`)
      release()
      const after = await within(ctx, Promise.all(updates), ctx.stepTimeoutMs)
      // Behind a one-way fault a channel may never finish opening, and hypercore waits
      // for every opening channel before it settles an update: no finding then.
      if (after === 'waited' && ctx.linksFaulted()) return { real: false, ok: false, code: 'LINK_FAULTED' }
      if (after === 'waited') bad.push(`after the release of findingPeers(), an update() was still pending after ${ctx.stepTimeoutMs} ms`)
      else if (after.some((up) => up)) bad.push('an update() of a core no peer has reported an upgrade')
      ctx.passed(4 - bad.length)
      for (const detail of bad) ctx.violate(`finding-peers: ${detail}`)
      return { real: true, ok: bad.length === 0 }
    } finally {
      held?.()
      await closeAll([early, late, store])
    }
  }
}
