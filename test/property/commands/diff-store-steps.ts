import { ModelStep } from '../harness/model-step'
import type { DiffModel } from '../model/diff-model'
import type { DiffWorld } from '../model/diff-world'

/** `store#N = store#P.session()` or `.namespace(name)` on both implementations. */
export class DiffOpenStore extends ModelStep<DiffModel, DiffWorld> {
  constructor (readonly pick: number, readonly ns: string | null) {
    super()
  }

  check (m: Readonly<DiffModel>): boolean {
    return m.pickStore(this.pick) !== null && m.stores.length < 5
  }

  label (m: DiffModel): string {
    return `store#${m.stores.length} = store#${String(m.pickStore(this.pick))}.${this.ns === null ? 'session()' : `namespace('${this.ns}')`}`
  }

  async act (m: DiffModel, w: DiffWorld): Promise<void> {
    const parent = m.pickStore(this.pick) ?? 0
    await w.both(this.label(m), async (side) => {
      const p = side.stores.get(parent)
      if (p === undefined) throw new Error('no parent store')
      const store = this.ns === null ? p.session() : p.namespace(this.ns)
      side.stores.set(m.stores.length, store)
      await store.ready()
      return 'opened'
    })
  }

  apply (m: DiffModel): void {
    const parent = m.pickStore(this.pick)
    if (parent !== null) m.openStore(parent, this.ns)
  }

  toString (): string {
    return `openStore(${this.pick}, ${String(this.ns)})`
  }
}

/** `store#N.close()` of a store session (not the root) on both. */
export class DiffCloseStore extends ModelStep<DiffModel, DiffWorld> {
  constructor (readonly pick: number) {
    super()
  }

  private target (m: Readonly<DiffModel>): number | null {
    const live = m.stores.filter((s) => s.open && s.id !== 0)
    return live.length === 0 ? null : (live[this.pick % live.length]?.id ?? null)
  }

  check (m: Readonly<DiffModel>): boolean {
    return this.target(m) !== null
  }

  label (m: DiffModel): string {
    return `store#${String(this.target(m))}.close()`
  }

  async act (m: DiffModel, w: DiffWorld): Promise<void> {
    const id = this.target(m) ?? -1
    await w.both(this.label(m), async (side) => {
      await side.stores.get(id)?.close()
      return 'closed'
    })
  }

  apply (m: DiffModel): void {
    const id = this.target(m)
    if (id !== null) m.closeStore(id)
  }

  toString (): string {
    return `closeStore(${this.pick})`
  }
}

/** `store.createKeyPair(name)`: the same public key from both. */
export class DiffKeyPair extends ModelStep<DiffModel, DiffWorld> {
  constructor (readonly pick: number, readonly name: string) {
    super()
  }

  check (m: Readonly<DiffModel>): boolean {
    return m.pickStore(this.pick) !== null
  }

  label (m: DiffModel): string {
    return `store#${String(m.pickStore(this.pick))}.createKeyPair('${this.name}')`
  }

  async act (m: DiffModel, w: DiffWorld): Promise<void> {
    const id = m.pickStore(this.pick) ?? 0
    await w.both(this.label(m), async (side) => (await (side.stores.get(id) as NonNullable<ReturnType<typeof side.stores.get>>).createKeyPair(this.name)).publicKey.toString('hex'))
  }

  apply (): void {}

  toString (): string {
    return `keyPair(${this.pick}, ${this.name})`
  }
}

/** `root.list()`: the same discovery keys (sorted) from both. */
export class DiffList extends ModelStep<DiffModel, DiffWorld> {
  check (): boolean {
    return true
  }

  label (): string {
    return 'store#0.list()'
  }

  async act (_m: DiffModel, w: DiffWorld): Promise<void> {
    await w.both('store#0.list()', async (side) => {
      const all: string[] = []
      for await (const dk of side.root.list()) all.push(dk.toString('hex').slice(0, 16))
      return all.sort().join(',')
    })
  }

  apply (): void {}

  toString (): string {
    return 'list'
  }
}

/** Both roots close and reopen over their folders. */
export class DiffRestart extends ModelStep<DiffModel, DiffWorld> {
  check (): boolean {
    return true
  }

  label (): string {
    return 'close both roots; reopen them over the same folders'
  }

  async act (_m: DiffModel, w: DiffWorld): Promise<void> {
    await w.restart()
  }

  apply (m: DiffModel): void {
    m.restart()
  }

  toString (): string {
    return 'restart'
  }
}
