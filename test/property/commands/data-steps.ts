import { ModelStep } from '../harness/model-step'
import { blockOf, type StoreModel } from '../model/store-model'
import type { StoreWorld } from '../model/store-world'

/** `session#N.append(k blocks)` on the `pick`-th live session; the model counts them once acknowledged. */
export class Append extends ModelStep<StoreModel, StoreWorld> {
  constructor (readonly pick: number, readonly blocks: number) {
    super()
  }

  check (m: Readonly<StoreModel>): boolean {
    return m.pickSession(this.pick) !== null
  }

  private target (m: StoreModel): { id: number, core: string } {
    const id = m.pickSession(this.pick) ?? -1
    return { id, core: m.sessions[id]?.core ?? '?' }
  }

  label (m: StoreModel): string {
    const { id, core } = this.target(m)
    return `session#${id}.append(${this.blocks} block${this.blocks === 1 ? '' : 's'})  -> ${core}`
  }

  async act (m: StoreModel, w: StoreWorld): Promise<void> {
    const { id, core } = this.target(m)
    const from = m.cores.get(core)?.length ?? 0
    const blocks: string[] = []
    for (let i = 0; i < this.blocks; i++) blocks.push(blockOf(core, from + i))
    const { length } = await w.session(id).append(blocks)
    if (length !== from + this.blocks) throw new Error(`append to ${core} acknowledged length ${length}, expected ${from + this.blocks}`)
  }

  apply (m: StoreModel): void {
    m.append(this.target(m).core, this.blocks)
  }

  toString (): string {
    return `append(${this.pick}, ${this.blocks})`
  }
}

/** `session#N.get(i)` on the `pick`-th live session: the block is there, as appended. */
export class ReadBlock extends ModelStep<StoreModel, StoreWorld> {
  constructor (readonly pick: number, readonly index: number) {
    super()
  }

  private target (m: Readonly<StoreModel>): { id: number, core: string, index: number } | null {
    const id = m.pickSession(this.pick)
    if (id === null) return null
    const core = m.sessions[id]?.core ?? '?'
    const length = m.cores.get(core)?.length ?? 0
    return length === 0 ? null : { id, core, index: this.index % length }
  }

  check (m: Readonly<StoreModel>): boolean {
    return this.target(m) !== null
  }

  label (m: StoreModel): string {
    const t = this.target(m)
    return t === null ? 'read (nothing to read)' : `session#${t.id}.get(${t.index})  -> ${t.core}`
  }

  async act (m: StoreModel, w: StoreWorld): Promise<void> {
    const t = this.target(m)
    if (t === null) return
    const block = await w.session(t.id).get(t.index, { wait: false })
    const want = blockOf(t.core, t.index)
    if (block === null || block.toString() !== want) {
      throw new Error(`${t.core} block ${t.index}: read ${block === null ? 'nothing' : JSON.stringify(block.toString())}, appended ${JSON.stringify(want)}`)
    }
  }

  apply (): void {}

  toString (): string {
    return `read(${this.pick}, ${this.index})`
  }
}
