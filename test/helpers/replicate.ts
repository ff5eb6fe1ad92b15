import type Corestore from '../../src'
import type { ProtocolStream } from '../../src/store/types'
import type { T } from './assert'

/** Two ends of one replication link between stores, as made by `link`. */
export interface Link {
  a: ProtocolStream
  b: ProtocolStream
  /** Destroys both ends and resolves once both have closed. */
  destroy (): Promise<void>
}

/**
 * Replicates `a` (initiator) with `b` over an in-memory pipe. The streams are
 * destroyed when the test ends (before the stores close, which is what apps do).
 */
export function link (t: T, a: Corestore, b: Corestore): Link {
  const sa = a.replicate(true)
  const sb = b.replicate(false)
  sa.pipe(sb).pipe(sa)
  const l: Link = { a: sa, b: sb, destroy: () => destroyAll([sa, sb]) }
  t.teardown(() => l.destroy(), { order: -1 })
  return l
}

/** Destroys streams and resolves when every one of them has emitted `close`. */
export async function destroyAll (streams: ProtocolStream[]): Promise<void> {
  await Promise.all(streams.map((s) => closed(s)))
}

function closed (s: ProtocolStream): Promise<void> {
  return new Promise((resolve) => {
    if (isClosed(s)) return resolve()
    s.once('close', () => resolve())
    s.destroy()
  })
}

function isClosed (s: ProtocolStream): boolean {
  // streamx marks a stream that has emitted close with `destroyed` and no pending destroy.
  const state = s as unknown as { destroyed: boolean, destroying: boolean }
  return state.destroyed
}
