import type Hypercore = require('hypercore')

/**
 * The sessions a peer opened outside the model (`Peer.tempSession`), per core index,
 * until they close. Mostly closed within their step; a GC race or a check started by a
 * timer may still wait on a slow disk when the step's checks run, and the store tracks
 * them like any other session.
 */
export class TempSessions {
  private readonly byCore = new Map<number, Set<Hypercore>>()

  /** Tracks a session on a core until it emits `close`. */
  add (core: number, session: Hypercore): void {
    let set = this.byCore.get(core)
    if (set === undefined) this.byCore.set(core, (set = new Set()))
    const temps = set
    temps.add(session)
    session.once('close', () => {
      temps.delete(session)
      if (temps.size === 0 && this.byCore.get(core) === temps) this.byCore.delete(core)
    })
  }

  /** Forgets every session (the store they were on went away). */
  clear (): void {
    this.byCore.clear()
  }

  /**
   * On a core, the sessions not closed that the store tracks (all but those still
   * loading, which have no core yet), and how many of those have opened (the core
   * counts only those as active). `live` says whether a session still holds anything.
   */
  count (core: number, live: (session: Hypercore) => boolean): { tracked: number, opened: number } {
    let tracked = 0
    let opened = 0
    for (const s of this.byCore.get(core) ?? []) {
      if (s.closed || s.core === null || !live(s)) continue
      tracked++
      if (s.opened) opened++
    }
    return { tracked, opened }
  }
}
