import type Hypercore = require('hypercore')
import { requireAppPackage } from './packages'
import type { AppPeer, Operation, Workload, WorkloadContext } from './workload'

/** The hyperbee version this workload is tested with (an optional peer dependency). */
export const HYPERBEE_VERSION = '2.27.3'

/** The part of a Hyperbee (2.27) the workload uses. */
export interface Bee {
  readonly version: number
  readonly core: Hypercore
  ready (): Promise<void>
  close (): Promise<void>
  put (key: string, value: string): Promise<void>
  del (key: string): Promise<void>
  get (key: string, opts?: { timeout?: number }): Promise<{ key: string, value: string } | null>
  checkout (version: number): Bee
  snapshot (): Bee
  createReadStream (range?: { gte?: string, lt?: string }, opts?: { timeout?: number }): AsyncIterable<{ key: string, value: string }>
}

type BeeConstructor = new (core: Hypercore, opts: { keyEncoding: string, valueEncoding: string }) => Bee

/** What a reader saw: at version `v`, these entries (of one key, or of a range). */
export interface BeeObservation {
  peer: number
  v: number
  what: string
  entries: Array<[string, string]>
  /** Keys the read covered: [gte, lt). */
  gte: string
  lt: string
}

/** The model: the writer's contents at every version it acknowledged, and what readers saw. */
export interface BeeState {
  /** The bee's key, once the writer made it. */
  key: Buffer | null
  /** Contents after each acknowledged version (version 1 is the header: empty). */
  history: Map<number, ReadonlyMap<string, string>>
  /** Highest version the writer acknowledged. */
  acked: number
  /** Reads not yet checked by the invariants. */
  seen: BeeObservation[]
}

type Ctx = WorkloadContext<BeeState, Bee>
type Op<A> = Operation<BeeState, Bee, A & ({ [k: string]: string | number } | null)>

const KEYS = 24

function keyName (i: number): string {
  return `k${String(i).padStart(2, '0')}`
}

/** The writer: the workload's first peer. */
function writerOnly (peers: readonly number[]): readonly number[] {
  return peers.slice(0, 1)
}

function readersOnly (peers: readonly number[]): readonly number[] {
  return peers.length > 1 ? peers.slice(1) : peers
}

let Hyperbee: BeeConstructor | null = null

function loadHyperbee (): BeeConstructor {
  Hyperbee ??= requireAppPackage<BeeConstructor>('hyperbee', 'hyperbee', HYPERBEE_VERSION)
  return Hyperbee
}

/** Reads a snapshot's entries in [gte, lt), every block wait bounded. */
async function readRange (snap: Bee, gte: string, lt: string, timeoutMs: number): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = []
  for await (const { key, value } of snap.createReadStream({ gte, lt }, { timeout: timeoutMs })) out.push([key, value])
  return out
}

/** Reads on a fresh snapshot of the peer's bee (or a checkout), then closes it. */
async function observe (peer: AppPeer<Bee>, ctx: Ctx, what: string, at: number | null, gte: string, lt: string): Promise<{ v: number, n: number }> {
  const snap = at === null ? peer.app.snapshot() : peer.app.checkout(at)
  try {
    await snap.ready()
    const v = at ?? snap.version
    const entries = what === 'get'
      ? await snap.get(gte, { timeout: ctx.timeoutMs }).then((e) => e === null ? [] : [[e.key, e.value] as [string, string]])
      : await readRange(snap, gte, lt, ctx.timeoutMs)
    ctx.state.seen.push({ peer: peer.index, v, what, entries, gte, lt })
    return { v, n: entries.length }
  } finally {
    await snap.close()
  }
}

/** Records the writer's new version and contents after an acknowledged write. */
function acknowledge (ctx: Ctx, bee: Bee, change: (m: Map<string, string>) => void): number {
  if (ctx.abandoned) return bee.version
  const before = ctx.state.history.get(ctx.state.acked) ?? new Map<string, string>()
  const next = new Map(before)
  change(next)
  ctx.state.history.set(bee.version, next)
  ctx.state.acked = bee.version
  return bee.version
}

/**
 * The hyperbee operations. Exported so a planted bug (test/property/mutants) can replace one.
 * Writer: `put`, `del`. Readers: `get` (one key on a snapshot), `range`, `checkout` (a full
 * read at an older version).
 */
export const hyperbeeOperations: Record<string, Op<Record<string, string | number>>> = {
  put: {
    weight: 4,
    peers: writerOnly,
    args: (r) => ({ key: keyName(r.int(0, KEYS - 1)), value: `v${r.int(0, 9999)}` }),
    run: async (peer, a, ctx) => {
      await peer.app.put(String(a.key), String(a.value))
      return acknowledge(ctx, peer.app, (m) => m.set(String(a.key), String(a.value)))
    }
  },
  del: {
    weight: 1,
    peers: writerOnly,
    args: (r) => ({ key: keyName(r.int(0, KEYS - 1)) }),
    run: async (peer, a, ctx) => {
      await peer.app.del(String(a.key))
      return acknowledge(ctx, peer.app, (m) => m.delete(String(a.key)))
    }
  },
  get: {
    replicated: true,
    weight: 4,
    peers: readersOnly,
    args: (r) => ({ key: keyName(r.int(0, KEYS - 1)) }),
    run: (peer, a, ctx) => observe(peer, ctx, 'get', null, String(a.key), String(a.key))
  },
  range: {
    replicated: true,
    weight: 2,
    peers: readersOnly,
    args: (r) => {
      const from = r.int(0, KEYS - 1)
      return { gte: keyName(from), lt: keyName(r.int(from + 1, KEYS)) }
    },
    run: (peer, a, ctx) => observe(peer, ctx, 'range', null, String(a.gte), String(a.lt))
  },
  checkout: {
    replicated: true,
    weight: 2,
    peers: readersOnly,
    args: (r) => ({ at: r.int(0, 999) }),
    run: async (peer, a, ctx) => {
      const version = peer.app.version
      if (version < 1) return { v: 0, n: 0 }
      return observe(peer, ctx, 'checkout', 1 + (Number(a.at) % version), keyName(0), keyName(KEYS))
    }
  }
}

/** The writer's contents at version `v`, or undefined if it never had that version. */
function contentsAt (state: BeeState, v: number): ReadonlyMap<string, string> | undefined {
  return state.history.get(v)
}

function expected (contents: ReadonlyMap<string, string>, gte: string, lt: string, what: string): Array<[string, string]> {
  const keys = [...contents.keys()].filter((k) => what === 'get' ? k === gte : k >= gte && k < lt).sort()
  return keys.map((k) => [k, contents.get(k) as string])
}

function show (entries: Array<[string, string]>): string {
  return entries.length === 0 ? '(none)' : entries.map(([k, v]) => `${k}=${v}`).join(',')
}

/**
 * Hyperbee 2.27 on the simulator: the workload's first peer writes a bee (puts and
 * deletes over a small key space), every other peer opens it by key and reads it (`get`
 * and range reads on a snapshot, full reads at an older `checkout`). The model is the
 * writer's contents at every version it acknowledged.
 *
 * Invariants: every read at version v equals the writer's contents at v, and no reader
 * sees a version the writer never had (after every step); the writer never loses an
 * acknowledged version across a crash. Final check: after the heal every reader reaches
 * the writer's last version, with the writer's contents.
 */
export const hyperbeeWorkload: Workload<BeeState, Bee> & { requires: () => void } = {
  name: 'hyperbee',
  requires: () => { loadHyperbee() },
  init: () => ({ key: null, history: new Map([[1, new Map()]]), acked: 1, seen: [] }),
  async setup (peer, ctx) {
    const Bee = loadHyperbee()
    const writer = peer.index === ctx.peers[0]
    if (!writer && ctx.state.key === null) throw new Error('the writer has not made the bee')
    const core = peer.store.get(writer ? { name: 'bee' } : { key: ctx.state.key })
    const bee = new Bee(core, { keyEncoding: 'utf-8', valueEncoding: 'utf-8' })
    await bee.ready()
    if (writer) ctx.state.key = core.key as Buffer
    return bee
  },
  teardown: (peer) => peer.app.close(),
  operations: hyperbeeOperations,
  invariants: {
    'reads match the writer': (ctx) => {
      const bad: string[] = []
      for (const o of ctx.state.seen.splice(0)) {
        const contents = contentsAt(ctx.state, o.v)
        if (contents === undefined) {
          bad.push(`peer ${o.peer} read version ${o.v}, which the writer never had (acknowledged up to ${ctx.state.acked})`)
          continue
        }
        const want = expected(contents, o.gte, o.lt, o.what)
        const read = o.what === 'get' ? `get ${o.gte}` : `${o.what} [${o.gte}, ${o.lt})`
        if (show(want) !== show(o.entries)) bad.push(`peer ${o.peer} ${read} at version ${o.v}: ${show(o.entries)}; the writer had ${show(want)}`)
      }
      return bad
    },
    'no reader ahead of the writer': (ctx) => {
      const bad: string[] = []
      for (const p of ctx.peers.slice(1)) {
        const bee = ctx.app(p)
        if (bee !== null && bee.version > ctx.state.acked) bad.push(`peer ${p} is at version ${bee.version}, the writer acknowledged up to ${ctx.state.acked}`)
      }
      return bad
    },
    'acknowledged writes survive': (ctx) => {
      const bee = ctx.app(ctx.peers[0] as number)
      if (bee !== null && bee.version < ctx.state.acked) return `the writer is at version ${bee.version}, it acknowledged ${ctx.state.acked}`
    }
  },
  async check (ctx) {
    const want = ctx.state.acked
    const contents = contentsAt(ctx.state, want) as ReadonlyMap<string, string>
    const bad: string[] = []
    for (const p of ctx.peers.slice(1)) {
      const bee = ctx.app(p)
      if (bee === null) {
        bad.push(`peer ${p} has no running bee after the heal`)
        continue
      }
      // Quiescence: wait (virtual time) until the reader learns the writer's length.
      for (let waited = 0; bee.version < want && waited < 60_000; waited += 500) {
        await bee.core.update({ wait: true, timeout: 500 } as Record<string, unknown>).catch(() => false)
        if (bee.version < want) await new Promise((resolve) => setTimeout(resolve, 500))
      }
      if (bee.version !== want) {
        bad.push(`peer ${p} reached version ${bee.version}, the writer's last is ${want}`)
        continue
      }
      const snap = bee.checkout(want)
      try {
        const got = await readRange(snap, keyName(0), keyName(KEYS), ctx.timeoutMs)
        const exp = expected(contents, keyName(0), keyName(KEYS), 'range')
        if (show(got) !== show(exp)) bad.push(`peer ${p} at version ${want}: ${show(got)}; the writer had ${show(exp)}`)
      } catch (err) {
        bad.push(`peer ${p} could not read version ${want}: ${(err as Error).message}`)
      } finally {
        await snap.close()
      }
    }
    return bad
  }
}
