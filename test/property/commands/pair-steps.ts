import { ModelStep } from '../harness/model-step'
import { PAIR_INTERVAL_MS, pairBlock, type PairModel } from '../model/pair-model'
import type { PairWorld } from '../model/pair-world'

/** What a replication step does. */
export type PairOp = 'append' | 'close-writer' | 'open-reader' | 'close-reader' | 'download' | 'connect' | 'disconnect' | 'tick' | 'restart-writer' | 'restart-reader'

/** One step of a writer/reader scenario on core `w<core>`. */
export class PairStep extends ModelStep<PairModel, PairWorld> {
  constructor (readonly op: PairOp, readonly core: number, readonly n: number) {
    super()
  }

  override get kind (): string {
    return this.op
  }

  private get name (): string {
    return `w${this.core}`
  }

  check (m: Readonly<PairModel>): boolean {
    switch (this.op) {
      case 'append': return true
      case 'close-writer': return m.writing.has(this.name)
      case 'open-reader': return m.lengths.has(this.name) && !m.reading.has(this.name)
      case 'close-reader': case 'download': return m.reading.has(this.name)
      case 'connect': return m.links < 2
      case 'disconnect': return m.links > 0
      default: return true
    }
  }

  label (m: PairModel): string {
    const n = this.name
    switch (this.op) {
      case 'append': return `A: ${m.writing.has(n) ? '' : `writer(${n}) = A.get({ name: '${n}' }); `}writer(${n}).append(${this.n + 1} block(s)) -> length ${(m.lengths.get(n) ?? 0) + this.n + 1}`
      case 'close-writer': return `A: writer(${n}).close()`
      case 'open-reader': return `B: reader(${n}) = B.get({ key: key of ${n} })`
      case 'close-reader': return `B: reader(${n}).close()`
      case 'download': return `B: reader(${n}).download({ start: 0, end: -1 })`
      case 'connect': return 'A.replicate(true) <-> B.replicate(false)'
      case 'disconnect': return 'disconnect the oldest live pipe'
      case 'tick': return `advance ${(this.n + 1) * PAIR_INTERVAL_MS} ms (GC runs)`
      case 'restart-writer': return 'A.close(); A = new Corestore(same dir) (pipes go down)'
      case 'restart-reader': return 'B.close(); B = new Corestore(same dir) (pipes go down)'
    }
  }

  async act (m: PairModel, w: PairWorld): Promise<void> {
    const n = this.name
    switch (this.op) {
      case 'append': {
        let writer = w.writers.get(n)
        if (writer === undefined) {
          writer = w.a.get({ name: n })
          w.writers.set(n, writer)
          await writer.ready()
          if (writer.key !== null) w.keys.set(n, writer.key)
        }
        const from = m.lengths.get(n) ?? 0
        const blocks = Array.from({ length: this.n + 1 }, (_, i) => pairBlock(n, from + i))
        await writer.append(blocks)
        return
      }
      case 'close-writer': await w.writers.get(n)?.close(); w.writers.delete(n); return
      case 'open-reader': {
        const reader = w.b.get({ key: w.keys.get(n) as Buffer })
        w.readers.set(n, reader)
        await reader.ready()
        return
      }
      case 'close-reader': await w.readers.get(n)?.close(); w.readers.delete(n); return
      case 'download': w.readers.get(n)?.download({ start: 0, end: -1 }); return
      case 'connect': w.connect(); return
      case 'disconnect': await w.disconnect(); return
      case 'tick': await w.clock.advance((this.n + 1) * PAIR_INTERVAL_MS); return
      case 'restart-writer': await w.restart('a'); return
      case 'restart-reader': await w.restart('b')
    }
  }

  apply (m: PairModel): void {
    const n = this.name
    switch (this.op) {
      case 'append': m.writing.add(n); m.lengths.set(n, (m.lengths.get(n) ?? 0) + this.n + 1); return
      case 'close-writer': m.writing.delete(n); return
      case 'open-reader': m.reading.add(n); return
      case 'close-reader': m.reading.delete(n); return
      case 'connect': m.links++; return
      case 'disconnect': m.links--; return
      case 'tick': m.nowMs += (this.n + 1) * PAIR_INTERVAL_MS; return
      case 'restart-writer': m.restartWriter(); return
      case 'restart-reader': m.restartReader()
    }
  }

  toString (): string {
    return `${this.op}(w${this.core}, ${this.n})`
  }
}
