import { ModelStep } from '../harness/model-step'
import type { StoreModel } from '../model/store-model'
import type { StoreWorld } from '../model/store-world'

/** Advances virtual time by whole GC intervals, so GC checks fire on the model's schedule. */
export class Tick extends ModelStep<StoreModel, StoreWorld> {
  constructor (readonly intervals: number) {
    super()
  }

  check (): boolean {
    return true
  }

  label (m: StoreModel): string {
    const ms = this.intervals * m.gc.intervalMs
    return `advance ${ms} ms (${this.intervals} GC interval${this.intervals === 1 ? '' : 's'}) -> t=${m.nowMs + ms} ms`
  }

  async act (m: StoreModel, w: StoreWorld): Promise<void> {
    await w.clock.advance(this.intervals * m.gc.intervalMs)
  }

  /** One interval at a time, checking in between: a GC that acts one interval early shows. */
  override async run (m: StoreModel, w: StoreWorld): Promise<void> {
    for (let i = 0; i < this.intervals; i++) {
      await w.clock.advance(m.gc.intervalMs)
      m.advance(m.gc.intervalMs)
      await w.check(m)
    }
  }

  apply (m: StoreModel): void {
    m.advance(this.intervals * m.gc.intervalMs)
  }

  toString (): string {
    return `tick(${this.intervals})`
  }
}
