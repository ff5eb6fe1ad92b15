// The faults of one direction of a link (one-way faults, a sleeping peer's holds).

/** How a one-way fault treats one direction: hold its messages, drop them, or carry them slower. */
export type OneWayMode = 'drop' | 'stall' | 'slow'

/**
 * Faults of one direction (from a peer to the other), kept across reconnects as the
 * link's stall is. Reasons are tags (`one-way#3`, `sleep#5`) so overlapping faults lift
 * independently.
 */
export class DirectionFaults {
  /** Reasons its messages are held (a one-way stall, a sleeping end). */
  readonly holds = new Set<string>()
  /** Reasons its messages are dropped. */
  readonly drops = new Set<string>()
  /** Bandwidths imposed on it, by reason, bytes per second. */
  readonly slows = new Map<string, number>()
  /** Messages dropped so far. */
  dropped = 0
  /** Messages of the current streams dropped: the connection is broken (a reset is due). */
  lost = 0

  /** True when no fault acts on the direction. */
  get clear (): boolean {
    return this.holds.size === 0 && this.drops.size === 0 && this.slows.size === 0
  }
}

/** The lowest bandwidth in force: a one-way slow-down never speeds a link up (0 is unlimited). */
export function slowest (base: number, slows: Iterable<number>): number {
  let out = base
  for (const bps of slows) if (out === 0 || bps < out) out = bps
  return out
}
