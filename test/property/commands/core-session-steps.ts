import type { GetOptions } from '../../../src/store/types'
import { ModelStep } from '../harness/model-step'
import type { StoreModel } from '../model/store-model'
import type { StoreWorld } from '../model/store-world'

/** Most hypercore sessions a scenario opens. */
export const SESSIONS_MAX = 16

/** How a `get` names its core. */
export type GetBy = 'name' | 'key' | 'discoveryKey'

/**
 * `session#N = store#S.get(...)` on the `pick`-th live store, awaiting `ready()`. By key
 * or discovery key, the core must have been opened (by name) before.
 */
export class GetSession extends ModelStep<StoreModel, StoreWorld> {
  constructor (readonly pick: number, readonly name: string, readonly by: GetBy) {
    super()
  }

  check (m: Readonly<StoreModel>): boolean {
    const store = m.pickStore(this.pick)
    if (store === null || m.sessions.length >= SESSIONS_MAX) return false
    return this.by === 'name' || m.cores.has(m.coreIn(store, this.name))
  }

  private target (m: StoreModel): { store: number, core: string } {
    const store = m.pickStore(this.pick) ?? 0
    return { store, core: m.coreIn(store, this.name) }
  }

  label (m: StoreModel): string {
    const { store, core } = this.target(m)
    const arg = this.by === 'name' ? `{ name: '${this.name}' }` : `{ ${this.by}: ${this.by} of ${core} }`
    return `session#${m.sessions.length} = store#${store}.get(${arg})  -> ${core}`
  }

  async act (m: StoreModel, w: StoreWorld): Promise<void> {
    const { store, core } = this.target(m)
    const opts: GetOptions = this.by === 'name'
      ? { name: this.name }
      : this.by === 'key' ? { key: w.keysOf(core).key } : { discoveryKey: w.keysOf(core).discoveryKey }
    const session = w.store(store).get(opts)
    w.sessions.set(m.sessions.length, session)
    await session.ready()
    w.learnKeys(core, session)
  }

  apply (m: StoreModel): void {
    const store = m.pickStore(this.pick)
    const ms = store === null ? undefined : m.stores[store]
    if (store === null || ms === undefined) return
    m.openSession(store, m.ensureCore(ms.ns, this.name))
  }

  toString (): string {
    return `get(${this.pick}, ${this.by} ${this.name})`
  }
}

/** `session#N = session#P.session()` (P the `pick`-th live session): made from a session, not through the store. */
export class ChildSession extends ModelStep<StoreModel, StoreWorld> {
  constructor (readonly pick: number) {
    super()
  }

  check (m: Readonly<StoreModel>): boolean {
    return m.pickSession(this.pick) !== null && m.sessions.length < SESSIONS_MAX
  }

  label (m: StoreModel): string {
    return `session#${m.sessions.length} = session#${String(m.pickSession(this.pick))}.session()`
  }

  async act (m: StoreModel, w: StoreWorld): Promise<void> {
    const child = w.session(m.pickSession(this.pick) ?? -1).session()
    w.sessions.set(m.sessions.length, child)
    await child.ready()
  }

  apply (m: StoreModel): void {
    const parent = m.session(m.pickSession(this.pick) ?? -1)
    if (parent !== null) m.openSession(parent.store, parent.core)
  }

  toString (): string {
    return `child(${this.pick})`
  }
}

/** `session#N.close()` of the `pick`-th live session. */
export class CloseSession extends ModelStep<StoreModel, StoreWorld> {
  constructor (readonly pick: number) {
    super()
  }

  check (m: Readonly<StoreModel>): boolean {
    return m.pickSession(this.pick) !== null
  }

  label (m: StoreModel): string {
    const id = m.pickSession(this.pick) ?? -1
    return `session#${id}.close()  -> ${m.sessions[id]?.core ?? '?'}`
  }

  async act (m: StoreModel, w: StoreWorld): Promise<void> {
    await w.session(m.pickSession(this.pick) ?? -1).close()
  }

  apply (m: StoreModel): void {
    const id = m.pickSession(this.pick)
    if (id !== null) m.closeSession(id)
  }

  toString (): string {
    return `close(${this.pick})`
  }
}
