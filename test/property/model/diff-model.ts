/** A store session of a differential scenario (the root is id 0). */
export interface DiffStoreModel {
  id: number
  ns: string
  open: boolean
}

/** A session of a differential scenario, opened on both stores alike. */
export interface DiffSessionModel {
  id: number
  store: number
  core: string
  writable: boolean
  open: boolean
}

/**
 * What a differential scenario has opened, the same on both implementations: it only
 * picks targets and names them in steps. Whatever the stores do is compared between
 * them, not against this model.
 */
export class DiffModel {
  readonly stores: DiffStoreModel[] = [{ id: 0, ns: '', open: true }]
  readonly sessions: DiffSessionModel[] = []
  /** Cores opened by name at least once, so their keys are known. */
  readonly cores = new Set<string>()

  /** The `pick`-th live store session (modulo their number), or null. */
  pickStore (pick: number): number | null {
    const live = this.stores.filter((s) => s.open)
    return live.length === 0 ? null : (live[pick % live.length] as DiffStoreModel).id
  }

  /** The `pick`-th closed store session, or null if none closed yet. */
  pickClosedStore (pick: number): number | null {
    const closed = this.stores.filter((s) => !s.open)
    return closed.length === 0 ? null : (closed[pick % closed.length] as DiffStoreModel).id
  }

  /** The `pick`-th live session, or null. */
  pickSession (pick: number): number | null {
    const live = this.sessions.filter((s) => s.open)
    return live.length === 0 ? null : (live[pick % live.length] as DiffSessionModel).id
  }

  /** The `pick`-th core opened by name so far, or null. */
  pickCore (pick: number): string | null {
    const known = [...this.cores]
    return known.length === 0 ? null : (known[pick % known.length] ?? null)
  }

  /** The core `name` as seen from a store session: `c0@root`, `c0@a/b`. */
  coreIn (store: number, name: string): string {
    const ns = this.stores[store]?.ns ?? ''
    return `${name}@${ns === '' ? 'root' : ns}`
  }

  /** `parent.session()` (nsName null) or `parent.namespace(nsName)`. */
  openStore (parent: number, nsName: string | null): void {
    const p = this.stores[parent]
    if (p === undefined) return
    // Upstream's session() does not carry the namespace over (corestore 7 passes only
    // `{ ...opts, root }`): `ns.session()` names cores in the default namespace again.
    const ns = nsName === null ? '' : (p.ns === '' ? nsName : `${p.ns}/${nsName}`)
    this.stores.push({ id: this.stores.length, ns, open: true })
  }

  /** A store session closes, and with it its sessions. */
  closeStore (id: number): void {
    const s = this.stores[id]
    if (s === undefined) return
    s.open = false
    for (const session of this.sessions) if (session.store === id) session.open = false
  }

  /** A session opens on both sides. */
  openSession (store: number, core: string, writable: boolean): void {
    this.sessions.push({ id: this.sessions.length, store, core, writable, open: true })
  }

  /** Both roots closed and reopened: only the roots are open. */
  restart (): void {
    for (const s of this.stores) s.open = s.id === 0
    for (const s of this.sessions) s.open = false
  }
}
