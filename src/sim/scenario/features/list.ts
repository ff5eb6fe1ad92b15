import type { Feature, FeatureContext } from './feature'
import { apiStore } from './feature'

/**
 * `list()` and `audit()`: the listed discovery keys hold every core the model knows the
 * peer stores (those it owns; with a disk that never failed, those it opened too), each
 * once; with `arg` 1, an audit (dry run) of a peer whose disk never failed finds no
 * damage in any core. The audit runs only on a perfect disk: it reads every block and
 * tree node of the store one batch at a time, and behind a slow disk's queue (a peer
 * catching up after a restart) one core of 110 blocks took 45 s of virtual time (autobase
 * seed 6), past the 30 s after which a step counts as stuck. That is slowness, not a hang.
 */
export const listFeature: Feature = {
  name: 'list',
  draw (prng, plan) {
    return { kind: 'api', peer: prng.int(0, plan.peers - 1), feature: 'list', arg: prng.int(0, 1) }
  },
  async run (ctx, step) {
    const root = apiStore(ctx)
    const ids: string[] = []
    for await (const dk of root.list()) ids.push(Buffer.from(dk).toString('hex'))
    const listed = new Set(ids)
    const faulted = ctx.diskFaulted()
    const stored = ctx.catalog.entries.filter((e) => e.owner === ctx.peer.index || (!faulted && ctx.peer.holds.has(e.index)))
    const missing = stored.filter((e) => !listed.has(e.id)).map((e) => e.index)
    const bad: string[] = []
    if (missing.length > 0) bad.push(`list() misses stored core(s) ${missing.map((c) => `c${c}`).join(' ')} (${ids.length} listed)`)
    if (listed.size !== ids.length) bad.push(`list() yields ${ids.length - listed.size} duplicate discovery key(s)`)
    let checked = 2
    if (step.arg === 1 && !faulted && ctx.diskPerfect) {
      checked++
      const damaged = await audit(ctx)
      if (damaged.length > 0) bad.push(`audit() of a peer without disk faults reports damage: ${damaged.slice(0, 3).join('; ')}`)
    }
    ctx.passed(checked - bad.length)
    for (const detail of bad) ctx.violate(`list: ${detail}`)
    return { real: true, ok: bad.length === 0, value: ids.length }
  }
}

async function audit (ctx: FeatureContext): Promise<string[]> {
  const damaged: string[] = []
  for await (const { discoveryKey, audit } of apiStore(ctx).audit({ dryRun: true })) {
    if (!audit.corrupt && audit.droppedBlocks === 0 && audit.droppedTreeNodes === 0 && audit.droppedBits === 0) continue
    const c = ctx.catalog.indexOf(Buffer.from(discoveryKey).toString('hex'))
    damaged.push(`${c === -1 ? 'a core outside the catalog' : `c${c}`}: corrupt ${String(audit.corrupt)}, dropped ${audit.droppedTreeNodes} tree nodes, ${audit.droppedBlocks} blocks, ${audit.droppedBits} bits`)
  }
  return damaged
}
