/** Options of every peer of a simulation. Every field is optional. */
export interface PeerOptions {
  /** GC check period of stores that support it, in ms: short, to put GC under pressure. Default 1000. */
  gcIntervalMs?: number
  /** GC strikes of stores that support it. Default 4. */
  gcStrikes?: number
  /**
   * How long a core keeps replicating after its last session closes, in ms. hypercore
   * draws this from Math.random once per process (20 to 40 s); the simulator fixes it
   * on every core a store opens. Default 5000.
   */
  notDownloadingLingerMs?: number
}

/** The defaults of `PeerOptions`. */
export const DEFAULT_PEER_OPTIONS: Readonly<Required<PeerOptions>> = Object.freeze({
  gcIntervalMs: 1000,
  gcStrikes: 4,
  notDownloadingLingerMs: 5000
})

/** Validates peer options and applies the defaults; throws a RangeError on bad values. */
export function checkPeerOptions (opts: PeerOptions = {}): Required<PeerOptions> {
  const o = { ...DEFAULT_PEER_OPTIONS, ...opts }
  if (!Number.isInteger(o.gcIntervalMs) || o.gcIntervalMs < 1) throw new RangeError('gcIntervalMs must be a positive integer')
  if (!Number.isInteger(o.gcStrikes) || o.gcStrikes < 1) throw new RangeError('gcStrikes must be a positive integer')
  if (!Number.isInteger(o.notDownloadingLingerMs) || o.notDownloadingLingerMs < 0) {
    throw new RangeError('notDownloadingLingerMs must be a non-negative integer')
  }
  return o
}
