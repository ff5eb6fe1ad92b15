import { diskErrorCode } from '../disk/disk-error'

/**
 * The model of one peer's appends, per core index: what was acknowledged, what was in
 * flight when its store went away, and what failed with a disk error. The durability
 * check after a restart reads it (and clears `inflight` and `inDoubt`).
 */
export class AppendLedger {
  /** Acknowledged length (appends whose promise resolved). */
  readonly acked = new Map<number, number>()
  /**
   * Block counts of the appends in flight (promise not resolved), in order, when the
   * store went away (crash or close). Steps run one at a time, so there is at most one
   * unless a step got stuck.
   */
  readonly inflight = new Map<number, number[]>()
  /**
   * Block counts of the appends that failed with a disk error, in order. Such an append
   * is in doubt, as if in flight at a crash: its batch may have been written before a
   * later write of the same append (hints) failed. It is there whole or not at all.
   */
  readonly inDoubt = new Map<number, number[]>()
  /** Appends started and not settled, in order: what the store going away now leaves in flight. */
  private readonly pending = new Map<number, Array<{ blocks: number }>>()
  /**
   * Blocks [from, to) acknowledged and then lost to a power loss, per core, merged. The
   * writer's replicas may hold the signed length up to `to` and give it back to the
   * writer, with or without the blocks: if none downloaded them, they are gone from
   * every peer for good (the core keeps a hole; the checks allow it there only).
   */
  readonly lost = new Map<number, [number, number]>()
  /** Acknowledged lengths at the disk's last sync point (`power-loss`); null before the first. */
  private synced: Map<number, number> | null = null
  /** Acknowledged lengths reached since the last sync point, in order, per core. */
  private readonly sinceSync = new Map<number, number[]>()

  /** Records an acknowledged length. */
  ack (core: number, length: number): void {
    if (length <= (this.acked.get(core) ?? 0)) return
    this.acked.set(core, length)
    if (this.synced === null) return
    let log = this.sinceSync.get(core)
    if (log === undefined) this.sinceSync.set(core, (log = []))
    log.push(length)
  }

  /** The disk made everything written so far durable: what is acknowledged now survives a power loss. */
  markSynced (): void {
    this.synced = new Map(this.acked)
    this.sinceSync.clear()
  }

  /**
   * Power was lost after the store went away (`stop`): appends acknowledged since the
   * last sync point may be gone. Each becomes in flight (there whole or not at all, in
   * order, before the appends that were pending); the acknowledged length falls back to
   * the synced one, which must survive. Returns the blocks acknowledged and not synced.
   */
  losePower (): number {
    if (this.synced === null) return 0
    let unsynced = 0
    for (const [core, lengths] of this.sinceSync) {
      const synced = this.synced.get(core) ?? 0
      const batches: number[] = []
      let at = synced
      for (const length of lengths) {
        batches.push(length - at)
        at = length
      }
      unsynced += at - synced
      if (at > synced) {
        const was = this.lost.get(core)
        this.lost.set(core, was === undefined ? [synced, at] : [Math.min(was[0], synced), Math.max(was[1], at)])
      }
      this.inflight.set(core, [...batches, ...this.inflight.get(core) ?? []])
      if (synced === 0) this.acked.delete(core)
      else this.acked.set(core, synced)
    }
    this.sinceSync.clear()
    return unsynced
  }

  /**
   * Tracks an append of `blocks` blocks: acknowledged when its promise resolves while
   * `live()` holds (the store it started on still runs), in doubt when it fails with a
   * disk error then, ignored after (a dead process acknowledges nothing). Returns
   * `appending`, whose rejection is handled here.
   */
  track (core: number, blocks: number, appending: Promise<{ length: number }>, live: () => boolean): Promise<{ length: number }> {
    const token = { blocks }
    let list = this.pending.get(core)
    if (list === undefined) this.pending.set(core, (list = []))
    list.push(token)
    const settle = (): boolean => {
      if (!live()) return false
      const tokens = this.pending.get(core) ?? []
      tokens.splice(tokens.indexOf(token), 1)
      if (tokens.length === 0) this.pending.delete(core)
      return true
    }
    appending.then(({ length }) => { if (settle()) this.ack(core, length) }, (err: unknown) => {
      if (!settle() || diskErrorCode(err) === null) return
      let doubts = this.inDoubt.get(core)
      if (doubts === undefined) this.inDoubt.set(core, (doubts = []))
      doubts.push(blocks)
    })
    return appending
  }

  /** The store goes away: appends still pending are in flight, whatever they do next. */
  stop (): void {
    for (const [core, tokens] of this.pending) this.inflight.set(core, tokens.map((a) => a.blocks))
    this.pending.clear()
  }
}
