import type { Step } from './steps'

/** New index of a peer or core, or null when it was removed. */
export type Renumber = (index: number) => number | null

/**
 * The step with its peers and cores renumbered (indexes of a smaller scenario), or null
 * when it cannot exist without a removed peer or core. A partition loses the removed
 * peers from its side (null if none is left); a crash whose in-flight append names a
 * removed core crashes with nothing in flight. Returns a new object; never mutates.
 * Every kind of step is listed (checked at compile time): shrinking drops the steps of
 * a peer or core it removes, and a kind not listed would survive with a dangling index.
 */
export function renumberStep (step: Step, peer: Renumber, core: Renumber): Step | null {
  switch (step.kind) {
    case 'append':
    case 'get':
    case 'open-session':
    case 'close-session':
    case 'download': {
      const p = peer(step.peer)
      const c = core(step.core)
      return p === null || c === null ? null : { ...step, peer: p, core: c }
    }
    case 'restart':
    case 'disk-error':
    case 'disk-full':
    case 'read-error':
    case 'sleep':
    case 'op': { // a workload operation's arguments are the app's, opaque here: they name no core of the catalog
      const p = peer(step.peer)
      return p === null ? null : { ...step, peer: p }
    }
    case 'api': {
      const p = peer(step.peer)
      if (p === null) return null
      if (step.core === undefined) return { ...step, peer: p }
      const c = core(step.core)
      return c === null ? null : { ...step, peer: p, core: c }
    }
    case 'crash': {
      const p = peer(step.peer)
      if (p === null) return null
      const { inflightAppend, ...rest } = step
      if (inflightAppend === undefined) return { ...rest, peer: p }
      const c = core(inflightAppend.core)
      return c === null ? { ...rest, peer: p } : { ...rest, peer: p, inflightAppend: { ...inflightAppend, core: c } }
    }
    case 'replicate':
    case 'disconnect':
    case 'stall':
    case 'slow': {
      const a = peer(step.a)
      const b = peer(step.b)
      return a === null || b === null ? null : { ...step, a, b }
    }
    case 'one-way': {
      const from = peer(step.from)
      const to = peer(step.to)
      return from === null || to === null ? null : { ...step, from, to }
    }
    case 'partition': {
      const side = step.side.map(peer).filter((p): p is number => p !== null)
      return side.length === 0 ? null : { ...step, side }
    }
    case 'advance':
    case 'heal':
      return { ...step }
    default: return unhandled(step)
  }
}

/**
 * The peers a step names, in field order (a link's two ends, a partition's side, a
 * step's peer): the ones `renumberStep` renumbers, so shrinking, which drops the steps
 * of a peer it removes, and this list never disagree.
 */
export function stepPeers (step: Step): number[] {
  const peers: number[] = []
  renumberStep(step, (p) => { peers.push(p); return p }, keep)
  return peers
}

/** The cores a step names (a crash's in-flight append included), as `stepPeers`. */
export function stepCores (step: Step): number[] {
  const cores: number[] = []
  renumberStep(step, keep, (c) => { cores.push(c); return c })
  return cores
}

function keep (index: number): number {
  return index
}

/** Compile-time exhaustiveness: a step kind added to `Step` and not handled above fails here. */
function unhandled (step: never): never {
  throw new RangeError(`unknown step kind ${(step as { kind: unknown }).kind as string}`)
}
