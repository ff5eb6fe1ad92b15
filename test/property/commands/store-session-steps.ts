import { ModelStep } from '../harness/model-step'
import type { StoreModel } from '../model/store-model'
import type { StoreWorld } from '../model/store-world'

/** Most store sessions a scenario opens: enough for sharing, few enough to stay readable. */
export const STORES_MAX = 5

/** `store#N = store#P.session()` or `store#P.namespace(name)`, P the `pick`-th live store. */
export class OpenStoreSession extends ModelStep<StoreModel, StoreWorld> {
  constructor (readonly pick: number, readonly ns: string | null) {
    super()
  }

  check (m: Readonly<StoreModel>): boolean {
    return m.pickStore(this.pick) !== null && m.stores.length < STORES_MAX
  }

  private call (): string {
    return this.ns === null ? 'session()' : `namespace('${this.ns}')`
  }

  label (m: StoreModel): string {
    return `store#${m.stores.length} = store#${String(m.pickStore(this.pick))}.${this.call()}`
  }

  async act (m: StoreModel, w: StoreWorld): Promise<void> {
    const parent = w.store(m.pickStore(this.pick) ?? -1)
    const store = this.ns === null ? parent.session() : parent.namespace(this.ns)
    w.stores.set(m.stores.length, store)
    await store.ready()
  }

  apply (m: StoreModel): void {
    const parent = m.pickStore(this.pick)
    if (parent !== null) m.openStore(parent, this.ns)
  }

  toString (): string {
    return `openStore(${this.pick}, ${this.call()})`
  }
}

/** `store#N.close()` for a live store session other than the root (closing it ends a scenario). */
export class CloseStoreSession extends ModelStep<StoreModel, StoreWorld> {
  constructor (readonly pick: number) {
    super()
  }

  private target (m: Readonly<StoreModel>): number | null {
    const live = m.stores.filter((s) => s.open && s.id !== 0)
    return live.length === 0 ? null : (live[this.pick % live.length]?.id ?? null)
  }

  check (m: Readonly<StoreModel>): boolean {
    return this.target(m) !== null
  }

  label (m: StoreModel): string {
    return `store#${String(this.target(m))}.close()`
  }

  async act (m: StoreModel, w: StoreWorld): Promise<void> {
    await w.store(this.target(m) ?? -1).close()
  }

  apply (m: StoreModel): void {
    const id = this.target(m)
    if (id !== null) m.closeStore(id)
  }

  toString (): string {
    return `closeStore(${this.pick})`
  }
}
