import type { ProtocolStream } from '../../../src/store/types'

/** Anything that replicates like a corestore (ours or upstream). */
export interface Replicating {
  replicate (isInitiator: boolean): ProtocolStream
}

/** Two stores replicating over an in-process stream pair, `a` the initiator. */
export interface Pipe {
  readonly a: ProtocolStream
  readonly b: ProtocolStream
  /** True once `destroy()` was called. */
  readonly down: boolean
  /** Destroys both ends; resolves once both have closed. */
  destroy (): Promise<void>
}

function closed (s: ProtocolStream): Promise<void> {
  // streamx sets `destroyed` once a stream has closed.
  if ((s as unknown as { destroyed: boolean }).destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    s.once('close', () => resolve())
    s.destroy()
  })
}

/** Connects two stores: `a.replicate(true)` piped both ways with `b.replicate(false)`. */
export function pipe (a: Replicating, b: Replicating): Pipe {
  const sa = a.replicate(true)
  const sb = b.replicate(false)
  // A torn-down pipe errors on both ends; that is the point of a disconnect, not a failure.
  sa.on('error', () => {})
  sb.on('error', () => {})
  sa.pipe(sb).pipe(sa)
  let down = false
  return {
    a: sa,
    b: sb,
    get down () { return down },
    destroy: async () => {
      down = true
      await Promise.all([closed(sa), closed(sb)])
    }
  }
}
