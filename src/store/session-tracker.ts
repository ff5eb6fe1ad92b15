import type Hypercore = require('hypercore')

/** A session list, tagged with the core id it is filed under. */
export type TrackedSessions = Hypercore[] & { trackerId: string }

/**
 * The hypercore sessions one store (or store session) has opened, by core id.
 * Hypercore pushes a session into the array it is given and removes it on close,
 * then calls `ongc`, which drops the array once it is empty.
 */
export class SessionTracker {
  private readonly map = new Map<string, TrackedSessions>()

  /** Number of cores this store has sessions on. */
  get size (): number {
    return this.map.size
  }

  /** The (shared, live) session array for a core id; made on first use. */
  get (id: string): TrackedSessions {
    let list = this.map.get(id)
    if (list === undefined) {
      // The tag lets one shared ongc callback find the list's id from a session.
      list = Object.assign([] as Hypercore[], { trackerId: id })
      this.map.set(id, list)
    }
    return list
  }

  /** Drops the array of a core id once no session is left in it. */
  gc (id: string): void {
    const list = this.map.get(id)
    if (list !== undefined && list.length === 0) this.map.delete(id)
  }

  /** Sessions on one core id, or on every core. */
  list (id?: string): Hypercore[] {
    if (id !== undefined) return this.map.get(id) ?? []
    return [...this]
  }

  /** Total number of open sessions. */
  count (): number {
    let n = 0
    for (const list of this.map.values()) n += list.length
    return n
  }

  * [Symbol.iterator] (): IterableIterator<Hypercore> {
    for (const list of this.map.values()) yield * list
  }
}
