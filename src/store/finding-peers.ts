import type Hypercore = require('hypercore')

/**
 * Store-wide `findingPeers()`: while at least one handle is open, every session
 * the store has, or opens, holds a hypercore findingPeers handle too, so reads
 * wait for peers instead of failing fast.
 */
export class FindingPeers {
  private count = 0
  private readonly pending: Array<() => void> = []
  private destroyed = false

  /** Called for each session the store opens. */
  add (session: Hypercore): void {
    if (this.count === 0 || this.destroyed) return
    this.pending.push(session.findingPeers())
  }

  inc (sessions: Iterable<Hypercore>): void {
    if (this.destroyed || ++this.count !== 1) return
    for (const session of sessions) this.pending.push(session.findingPeers())
  }

  dec (): void {
    if (this.destroyed || --this.count !== 0) return
    this.release()
  }

  destroy (): void {
    this.destroyed = true
    this.release()
  }

  private release (): void {
    while (this.pending.length > 0) this.pending.pop()?.()
  }
}
