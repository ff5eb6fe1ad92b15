import type Hypercore from 'hypercore'
import Corestore from '../../../src'
import { installClock, type VirtualClock } from '../harness/clock'
import { makeDir, removeClosedStoreDir, removeDir } from '../harness/tmp-dirs'
import { pipe, type Pipe } from '../harness/pipe'
import type { Checked } from '../harness/model-step'
import { PAIR_INTERVAL_MS, pairBlock, type PairModel } from './pair-model'

/** GC strikes of both stores: short grace, so GC closes cores between steps. */
const STRIKES = 2

/**
 * The real side of a replication scenario: writer A and reader B over their own
 * folders under one fake clock, their sessions by core name, and the pipes.
 */
export class PairWorld implements Checked<PairModel> {
  readonly clock: VirtualClock
  readonly dirs: readonly [string, string]
  a: Corestore
  b: Corestore
  readonly writers = new Map<string, Hypercore>()
  readonly readers = new Map<string, Hypercore>()
  readonly keys = new Map<string, Buffer>()
  readonly pipes: Pipe[] = []

  private constructor (clock: VirtualClock, dirs: [string, string], a: Corestore, b: Corestore) {
    this.clock = clock
    this.dirs = dirs
    this.a = a
    this.b = b
  }

  /** Installs the fake clock, then opens A and B over fresh folders. */
  static async open (): Promise<PairWorld> {
    const dirs: [string, string] = [await makeDir('writer'), await makeDir('reader')]
    const clock = installClock()
    const made: Corestore[] = []
    try {
      const a = openStore(dirs[0], 1)
      made.push(a)
      const b = openStore(dirs[1], 2)
      made.push(b)
      await a.ready()
      await b.ready()
      return new PairWorld(clock, dirs, a, b)
    } catch (err) {
      for (const s of made) await s.close().catch(() => {})
      clock.uninstall()
      for (const dir of dirs) await removeDir(dir)
      throw err
    }
  }

  /** A new pipe between A and B. */
  connect (): void {
    this.pipes.push(pipe(this.a, this.b))
  }

  /** Tears down the oldest live pipe. */
  async disconnect (): Promise<void> {
    await this.pipes.find((p) => !p.down)?.destroy()
  }

  /** Closes one store (pipes go down, its sessions close) and reopens it over its folder. */
  async restart (side: 'a' | 'b'): Promise<void> {
    for (const p of this.pipes) await p.destroy()
    const sessions = side === 'a' ? this.writers : this.readers
    sessions.clear()
    const store = side === 'a' ? this.a : this.b
    await store.close()
    const fresh = openStore(side === 'a' ? this.dirs[0] : this.dirs[1], side === 'a' ? 1 : 2)
    if (side === 'a') this.a = fresh
    else this.b = fresh
    await fresh.ready()
  }

  /** Safety after every step: whatever B has of a core is what A acknowledged. */
  async check (m: PairModel): Promise<void> {
    for (const [name, session] of this.readers) {
      const length = Math.min(session.length, m.lengths.get(name) ?? 0)
      for (let i = 0; i < length; i++) {
        if (!await session.has(i)) continue
        const block = await session.get(i, { wait: false })
        if (block?.toString() !== pairBlock(name, i)) throw new Error(`REPLICATION: B holds ${JSON.stringify(block?.toString())} as block ${i} of ${name}`)
      }
    }
  }

  /** Closes both stores, restores real timers, removes the folders. */
  async dispose (): Promise<void> {
    try {
      for (const p of this.pipes) await p.destroy()
      await this.b.close()
      await this.a.close()
    } finally {
      this.clock.uninstall()
      for (const dir of this.dirs) await removeClosedStoreDir(dir)
    }
  }
}

function openStore (dir: string, keyByte: number): Corestore {
  return new Corestore(dir, { primaryKey: Buffer.alloc(32, keyByte), gcIntervalMs: PAIR_INTERVAL_MS, gcStrikes: STRIKES })
}
