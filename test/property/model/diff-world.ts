import type Hypercore from 'hypercore'
import Corestore from '../../../src'
import type { GetOptions, KeyPair } from '../../../src/store/types'
import { installClock, type VirtualClock } from '../harness/clock'
import { makeDir, removeClosedStoreDir, removeDir } from '../harness/tmp-dirs'
import type { Checked } from '../harness/model-step'
import type { DiffModel } from './diff-model'

/** The surface both implementations share that the differential drives. */
export interface DiffStore {
  readonly closed: boolean
  ready (): Promise<void>
  close (): Promise<void>
  get (opts: GetOptions | Buffer | string): Hypercore
  session (): DiffStore
  namespace (name: string): DiffStore
  createKeyPair (name: string): Promise<KeyPair>
  list (): AsyncIterable<Buffer>
}

type DiffStoreClass = new (dir: string, opts: Record<string, unknown>) => DiffStore

// Upstream ships no typings: `require` returns `any`, and this annotation narrows it.
// Only tests may load it (nothing under src/ does).
const Upstream: DiffStoreClass = require('corestore')

/** One side of the differential: which store, its folder, and what the steps opened on it. */
export interface DiffSide {
  readonly label: 'ours' | 'upstream'
  readonly dir: string
  root: DiffStore
  readonly stores: Map<number, DiffStore>
  /** Sessions by model id; null where the get failed on this side. */
  readonly sessions: Map<number, Hypercore | null>
  /** Keys of cores opened by name on this side, by model core id. */
  readonly keys: Map<string, { key: Buffer, discoveryKey: Buffer }>
}

/** A normalised result: a value to compare, or an error with its code (messages differ). */
export type Outcome = { ok: true, value: string } | { ok: false, code: string | null, message: string }

/** Runs `fn` and normalises what it returns or throws (synchronously or not). */
export async function outcome (fn: () => Promise<string> | string): Promise<Outcome> {
  try {
    return { ok: true, value: await fn() }
  } catch (err) {
    const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : null
    return { ok: false, code, message: err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err) }
  }
}

/**
 * Upstream's errors without a code, by the failure they report, with the code ours
 * gives the same failure. An upstream error that matches none of these is not
 * compared loosely: it fails the step until it is classified here.
 */
const UPSTREAM_UNCODED: ReadonlyArray<{ message: RegExp, code: string, failure: string }> = [
  { message: /^Corestore is closed$/, code: 'CORESTORE_CLOSED', failure: 'the store is closed' },
  { message: /^Invalid Hypercore key$/, code: 'BAD_ARGUMENT', failure: 'the key is not a key' }
]

/**
 * Whether two failures are the same failure: the same code where upstream has one;
 * where it has none, the failure its message reports, given by ours as its code.
 */
export function sameFailure (ours: { code: string | null }, theirs: { code: string | null, message: string }): boolean {
  if (theirs.code !== null) return ours.code === theirs.code
  const kind = UPSTREAM_UNCODED.find((k) => k.message.test(theirs.message))
  return kind !== undefined && ours.code === kind.code
}

function show (o: Outcome): string {
  return o.ok ? `ok ${o.value}` : `error ${o.code ?? '(no code)'}: ${o.message}`
}

/**
 * Our store and upstream corestore 7.12.5 side by side, over two folders with the same
 * primary key, under one fake clock. Every step runs on both and compares.
 */
export class DiffWorld implements Checked<DiffModel> {
  readonly clock: VirtualClock
  readonly sides: readonly [DiffSide, DiffSide]
  private readonly primaryKey: Buffer

  private constructor (clock: VirtualClock, sides: [DiffSide, DiffSide], primaryKey: Buffer) {
    this.clock = clock
    this.sides = sides
    this.primaryKey = primaryKey
  }

  /** Installs the fake clock, then opens both roots with the same primary key. */
  static async open (primaryKey: Buffer): Promise<DiffWorld> {
    const dirs = [await makeDir('ours'), await makeDir('upstream')] as const
    const clock = installClock()
    const made: DiffStore[] = []
    try {
      const sides = [] as unknown as [DiffSide, DiffSide]
      for (const label of ['ours', 'upstream'] as const) {
        const dir = label === 'ours' ? dirs[0] : dirs[1]
        const root = openRoot(label, dir, primaryKey)
        made.push(root)
        await root.ready()
        sides.push({ label, dir, root, stores: new Map([[0, root]]), sessions: new Map(), keys: new Map() })
      }
      return new DiffWorld(clock, sides, primaryKey)
    } catch (err) {
      for (const s of made) await s.close().catch(() => {})
      clock.uninstall()
      for (const dir of dirs) await removeDir(dir)
      throw err
    }
  }

  /** Runs `fn` on our side, then upstream's, and throws if the outcomes differ. */
  async both (what: string, fn: (side: DiffSide) => Promise<string> | string): Promise<Outcome> {
    const ours = await outcome(() => fn(this.sides[0]))
    const theirs = await outcome(() => fn(this.sides[1]))
    const same = ours.ok || theirs.ok
      ? ours.ok && theirs.ok && ours.value === theirs.value
      : sameFailure(ours, theirs)
    if (!same) throw new Error(`DIFF: ${what}: ours ${show(ours)}, upstream ${show(theirs)}`)
    return ours
  }

  /** After every step: open sessions agree on key, length and writability; store sessions on closed. */
  async check (m: DiffModel): Promise<void> {
    for (const s of m.stores) {
      await this.both(`store#${s.id}.closed`, (side) => String(side.stores.get(s.id)?.closed ?? 'missing'))
    }
    for (const s of m.sessions) {
      if (!s.open) continue
      await this.both(`session#${s.id} (${s.core}) key, length, writable`, (side) => {
        const session = side.sessions.get(s.id)
        if (session === null || session === undefined) return 'no session'
        return `${session.key?.toString('hex').slice(0, 16) ?? 'no key'} len=${session.length} writable=${String(session.writable)}`
      })
    }
  }

  /** Closes both roots and opens new ones over the same folders. */
  async restart (): Promise<void> {
    for (const side of this.sides) {
      await side.root.close()
      side.root = openRoot(side.label, side.dir, this.primaryKey)
      side.stores.set(0, side.root)
      await side.root.ready()
    }
  }

  /** Closes both roots, restores real timers, removes the folders. */
  async dispose (): Promise<void> {
    try {
      for (const side of this.sides) await side.root.close()
    } finally {
      this.clock.uninstall()
      for (const side of this.sides) await removeClosedStoreDir(side.dir)
    }
  }
}

function openRoot (label: 'ours' | 'upstream', dir: string, primaryKey: Buffer): DiffStore {
  // Upstream demands `unsafe: true` next to a primary key; ours accepts it too.
  return label === 'ours' ? new Corestore(dir, { primaryKey }) : new Upstream(dir, { primaryKey, unsafe: true })
}
