/** GC settings of a scenario: the store's `gcIntervalMs` and `gcStrikes`. */
export interface GcConfig {
  intervalMs: number
  strikes: number
}

/** A store session of the model: the root (id 0), a `session()` or a `namespace()`. */
export interface ModelStore {
  id: number
  /** Namespace path, '' for the root's: `a/b` is `root.namespace('a').namespace('b')`. */
  ns: string
  open: boolean
}

/** A hypercore session the scenario opened (with `get` or `session.session()`). */
export interface ModelSession {
  id: number
  store: number
  core: string
  open: boolean
}

/** A named core: its acknowledged length and, while it has no session, since when. */
export interface ModelCore {
  id: string
  ns: string
  name: string
  /** Blocks appended and acknowledged (the append promise resolved). */
  length: number
  /** Virtual time its last session closed; null while it has sessions or once collected. */
  idleSinceMs: number | null
}

/** The name of a core in steps and messages: `c0@root`, `c1@a/b`. */
export function coreId (ns: string, name: string): string {
  return `${name}@${ns === '' ? 'root' : ns}`
}

/**
 * What one root store should look like: which store sessions are open, which hypercore
 * sessions each holds on which core, every core's acknowledged length, and which cores
 * the store still tracks. Transitions are a pure function of the steps, so a scenario
 * can be re-simulated to print it.
 *
 * GC timing: all steps happen on multiples of the GC interval, so the GC timer fires on
 * them too, and a core idle since `t` is collected at `t + max(1, strikes - 1) * interval`
 * exactly (its first strike is the moment it goes idle, as upstream counts).
 */
export class StoreModel {
  readonly gc: GcConfig
  nowMs = 0
  readonly stores: ModelStore[] = [{ id: 0, ns: '', open: true }]
  readonly sessions: ModelSession[] = []
  readonly cores = new Map<string, ModelCore>()
  /** Replication pipes to the peer store that are up. */
  links = 0
  /** Cores the peer store has asked for over replication. */
  readonly peerWants = new Set<string>()

  constructor (gc: GcConfig) {
    this.gc = gc
  }

  /** Virtual milliseconds a core stays tracked after its last session closes. */
  get graceMs (): number {
    return Math.max(1, this.gc.strikes - 1) * this.gc.intervalMs
  }

  /** A live store session by id, or null (missing or closed). */
  store (id: number): ModelStore | null {
    const s = this.stores[id]
    return s !== undefined && s.open ? s : null
  }

  /** A live hypercore session by id, or null (missing or closed). */
  session (id: number): ModelSession | null {
    const s = this.sessions[id]
    return s !== undefined && s.open ? s : null
  }

  /** The `pick`-th live store session (modulo their number), or null if none: steps name targets by pick, so most generated steps hit something. */
  pickStore (pick: number): number | null {
    const live = this.stores.filter((s) => s.open)
    return live.length === 0 ? null : (live[pick % live.length] as ModelStore).id
  }

  /** The `pick`-th live hypercore session (modulo their number), or null if none. */
  pickSession (pick: number): number | null {
    const live = this.sessions.filter((s) => s.open)
    return live.length === 0 ? null : (live[pick % live.length] as ModelSession).id
  }

  /** The core `name` as seen from store `storeId` (its namespace decides which core). */
  coreIn (storeId: number, name: string): string {
    const store = this.stores[storeId]
    if (store === undefined) throw new Error(`no store#${storeId}`)
    return coreId(store.ns, name)
  }

  /** Live sessions on a core, over every store session. */
  liveSessionsOn (core: string): number {
    let n = 0
    for (const s of this.sessions) if (s.open && s.core === core) n++
    return n
  }

  /** Live sessions on a core opened through one store session. */
  liveSessionsIn (store: number, core: string): number {
    let n = 0
    for (const s of this.sessions) if (s.open && s.store === store && s.core === core) n++
    return n
  }

  /** True while the root store should track the core: it has sessions or is in its grace. */
  tracked (core: string): boolean {
    const c = this.cores.get(core)
    if (c === undefined) return false
    return this.liveSessionsOn(core) > 0 || c.idleSinceMs !== null
  }

  /** `parent.session()` (nsName null) or `parent.namespace(nsName)`; returns the new id. */
  openStore (parent: number, nsName: string | null): number {
    const p = this.stores[parent]
    if (p === undefined) throw new Error(`no store#${parent}`)
    // Upstream's session() does not carry the namespace over (corestore 7 passes only
    // `{ ...opts, root }`): `ns.session()` names cores in the default namespace again.
    const ns = nsName === null ? '' : (p.ns === '' ? nsName : `${p.ns}/${nsName}`)
    return this.stores.push({ id: this.stores.length, ns, open: true }) - 1
  }

  /** A store session closes, and with it every session opened through it. */
  closeStore (id: number): void {
    const s = this.stores[id]
    if (s === undefined) return
    s.open = false
    for (const session of this.sessions) if (session.open && session.store === id) this.closeSession(session.id)
  }

  /** The core `name` in namespace `ns`, made on first use. */
  ensureCore (ns: string, name: string): string {
    const id = coreId(ns, name)
    if (!this.cores.has(id)) this.cores.set(id, { id, ns, name, length: 0, idleSinceMs: null })
    return id
  }

  /** A session opens on a core: the core leaves GC. Returns the new id. */
  openSession (store: number, core: string): number {
    const c = this.cores.get(core)
    if (c === undefined) throw new Error(`no core ${core}`)
    c.idleSinceMs = null
    return this.sessions.push({ id: this.sessions.length, store, core, open: true }) - 1
  }

  /** A session closes; the core goes idle (its GC grace starts) if it was the last. */
  closeSession (id: number): void {
    const s = this.sessions[id]
    if (s === undefined || !s.open) return
    s.open = false
    const c = this.cores.get(s.core)
    if (c !== undefined && this.liveSessionsOn(s.core) === 0) c.idleSinceMs = this.nowMs
  }

  /** `blocks` more blocks of a core are acknowledged. */
  append (core: string, blocks: number): void {
    const c = this.cores.get(core)
    if (c !== undefined) c.length += blocks
  }

  /** Moves virtual time; cores whose grace ran out are collected. */
  advance (ms: number): void {
    this.nowMs += ms
    for (const c of this.cores.values()) {
      if (c.idleSinceMs !== null && this.nowMs >= c.idleSinceMs + this.graceMs) c.idleSinceMs = null
    }
  }

  /** Closes everything: the root store's close. */
  closeAll (): void {
    for (const s of this.stores) if (s.open) this.closeStore(s.id)
    for (const c of this.cores.values()) c.idleSinceMs = null
  }

  /** The root closed and reopened over the same folder: only the (new) root is open. */
  restart (): void {
    this.closeAll()
    const root = this.stores[0]
    if (root !== undefined) root.open = true
    this.links = 0
    this.peerWants.clear()
  }
}

/** The content of block `index` of a core: deterministic, so any reader can check it. */
export function blockOf (core: string, index: number): string {
  return `${core}#${index}`
}
