import { diskErrorCode } from '../disk/disk-error'
import { oneLine } from './workload'
import { requireAppPackage } from './packages'
import type { AppPeer, JsonValue, Operation, Workload, WorkloadContext } from './workload'

/** The autobase version this workload is tested with (an optional peer dependency). */
export const AUTOBASE_VERSION = '7.28.1'

/** A node a writer appends: writer `w`'s `i`-th append. */
export interface LogNode { w: number, i: number }

/** The view the workload's `open` makes: a core of appended nodes (JSON). */
export interface ViewCore {
  readonly length: number
  get (index: number, opts?: { timeout?: number }): Promise<unknown>
  append (value: unknown): Promise<unknown>
}

/** What `apply` gets to add a writer (Autobase's host calls). */
export interface ApplyHost {
  addWriter (key: Buffer, opts: { indexer: boolean }): Promise<void>
}

/** The part of an Autobase (7.28) the workload uses. */
export interface Base {
  readonly key: Buffer
  readonly local: { readonly key: Buffer }
  readonly writable: boolean
  readonly view: ViewCore
  ready (): Promise<void>
  close (): Promise<void>
  append (value: unknown): Promise<unknown>
  update (): Promise<void>
  readonly closing: Promise<void> | null
  on (event: 'error', listener: (err: unknown) => void): unknown
}

type Apply = (nodes: Array<{ value: unknown }>, view: ViewCore, host: ApplyHost) => Promise<void>
type BaseConstructor = new (store: unknown, bootstrap: Buffer | null, opts: Record<string, unknown>) => Base

/** The model: who was added, what each writer appended, what readers saw. */
export interface BaseState {
  /** The bootstrap key (the first peer's base). */
  bootstrap: Buffer | null
  /** Each peer's local writer key, hex. */
  locals: Map<number, string>
  /** Peers added through an acknowledged add-writer node (the first peer is the bootstrap writer). */
  added: Set<number>
  /** Appends started, per writer: the next `i`. */
  started: Map<number, number>
  /** Appends acknowledged, per writer. */
  acked: Map<number, Set<number>>
  /** Views read, not yet checked by the invariants. */
  seen: Array<{ peer: number, view: LogNode[] }>
  /** Errors a base emitted (it closed itself), not yet checked by the invariants. */
  failures: Array<{ peer: number, base: Base, disk: boolean, error: string }>
  /**
   * Peers whose base stopped writing mid-way (its peer crashed, or a write of it was
   * refused and it closed itself): their folder may hold a torn apply.
   */
  torn: Set<number>
}

type Ctx = WorkloadContext<BaseState, Base>

/**
 * The view functions every base is made with. `apply` applies nodes in the order the
 * base linearized them: an add-writer node adds a writer through the base's own path, any
 * other node goes to the view. Exported so a planted bug can replace `apply`.
 */
export const autobaseHooks: { apply: Apply } = {
  apply: async (nodes, view, host) => {
    for (const { value } of nodes) {
      const v = value as { add?: string }
      if (typeof v.add === 'string') await host.addWriter(Buffer.from(v.add, 'hex'), { indexer: false })
      else await view.append(value)
    }
  }
}

let Autobase: BaseConstructor | null = null

function loadAutobase (): BaseConstructor {
  Autobase ??= requireAppPackage<BaseConstructor>('autobase', 'autobase', AUTOBASE_VERSION)
  return Autobase
}

function isNode (v: unknown): v is LogNode {
  return typeof v === 'object' && v !== null && Number.isInteger((v as LogNode).w) && Number.isInteger((v as LogNode).i)
}

/** Reads a base's live view once, block by block (local blocks; waits bounded). */
async function readOnce (base: Base, timeoutMs: number): Promise<LogNode[]> {
  const out: LogNode[] = []
  const length = base.view.length
  for (let i = 0; i < length; i++) {
    const v = await base.view.get(i, { timeout: timeoutMs })
    out.push(isNode(v) ? { w: v.w, i: v.i } : { w: -1, i })
  }
  return out
}

/**
 * Reads a base's whole view until two reads in a row agree (at most 5): the base may
 * reorder its view (truncate and apply again) between two block reads, and one read
 * across that would mix two orders (a node seen twice, another missing). A view still
 * changing after 5 reads is returned as last read.
 */
async function readView (base: Base, timeoutMs: number): Promise<LogNode[]> {
  let last = await readOnce(base, timeoutMs)
  for (let attempt = 1; attempt < 5; attempt++) {
    const next = await readOnce(base, timeoutMs)
    if (JSON.stringify(next) === JSON.stringify(last)) return next
    last = next
  }
  return last
}

/**
 * Said of a view of a peer whose base stopped writing mid-way, so that a known bug
 * (autobase-crash-duplicate-node) can match only that case.
 */
const TORN = ' on a base reopened after its writes stopped (a crash or a refused write)'

/** An operation that had nothing to do: counted as not done, with this code. */
function skipped (code: string, message: string): Error {
  return Object.assign(new Error(message), { code })
}

type Op = Operation<BaseState, Base, { target: number } | null>

/** The autobase operations: `add-writer` (on the bootstrap peer), `append` and `read` (any peer). */
export const autobaseOperations: Record<string, Op> = {
  'add-writer': {
    weight: 2,
    peers: (peers) => peers.slice(0, 1),
    args: (r, peers) => ({ target: peers.length > 1 ? r.int(1, peers.length - 1) : 0 }),
    run: async (peer: AppPeer<Base>, args, ctx: Ctx) => {
      // The drawn peer, or the next one not added yet: every add-writer adds someone while anyone is left.
      const from = (args as { target: number }).target
      const order = [...ctx.peers.slice(from), ...ctx.peers.slice(1, from)]
      const target = order.find((p) => !ctx.state.added.has(p))
      if (target === undefined) throw skipped('ALREADY_ADDED', 'every peer was added already')
      const key = ctx.state.locals.get(target)
      if (key === undefined) throw skipped('NO_WRITER_KEY', `peer ${target} has not opened the base`)
      await peer.app.append({ add: key })
      ctx.state.added.add(target)
      return { target }
    }
  },
  append: {
    replicated: true,
    weight: 6,
    args: () => null,
    run: async (peer, _args, ctx): Promise<JsonValue> => {
      if (!peer.app.writable) throw skipped('NOT_WRITABLE', `peer ${peer.index} is not a writer (yet)`)
      const i = ctx.state.started.get(peer.index) ?? 0
      ctx.state.started.set(peer.index, i + 1)
      await peer.app.append({ w: peer.index, i })
      if (ctx.abandoned) return { i }
      let acked = ctx.state.acked.get(peer.index)
      if (acked === undefined) ctx.state.acked.set(peer.index, (acked = new Set()))
      acked.add(i)
      return { i }
    }
  },
  read: {
    replicated: true,
    weight: 3,
    args: () => null,
    run: async (peer, _args, ctx) => {
      await peer.app.update()
      const view = await readView(peer.app, ctx.timeoutMs)
      ctx.state.seen.push({ peer: peer.index, view })
      return { length: view.length }
    }
  }
}

/** Why a view is not a valid order, and the acknowledged node it misses (if that is why). */
interface InvalidOrder { why: string, missing?: string }

function invalidOrder (state: BaseState, view: readonly LogNode[]): InvalidOrder | null {
  const last = new Map<number, number>()
  const seen = new Set<string>()
  for (const [at, node] of view.entries()) {
    const id = `${node.w}:${node.i}`
    if (node.w < 0) return { why: `block ${at} is not an appended node` }
    if (node.i >= (state.started.get(node.w) ?? 0)) return { why: `node ${id} at ${at} was never appended` }
    if (seen.has(id)) return { why: `node ${id} appears twice` }
    seen.add(id)
    const prev = last.get(node.w)
    if (prev !== undefined && prev > node.i) return { why: `node ${id} at ${at} comes after ${node.w}:${prev}: out of the writer's order` }
    last.set(node.w, node.i)
  }
  // A node references the writer's previous one: its acknowledged predecessors must be there.
  for (const [w, max] of last) {
    for (const i of state.acked.get(w) ?? []) {
      if (i < max && !seen.has(`${w}:${i}`)) return { why: `node ${w}:${i} is missing but ${w}:${max} is there: lost by apply`, missing: `${w}:${i}` }
    }
  }
  return null
}

function showView (view: readonly LogNode[]): string {
  const text = view.map((n) => `${n.w}:${n.i}`).join(' ')
  return text.length > 120 ? `${text.slice(0, 120)}...` : text
}

/**
 * Autobase 7.28 on the simulator: the first peer bootstraps the base; the others open it
 * by key and become writers only when the bootstrap peer appends an add-writer node
 * (applied by `apply` through the base's own `addWriter`); writers append nodes; any
 * peer updates and reads its linearized view.
 *
 * Invariants (after every step): every view read is a valid order of the appended nodes
 * (each node once, never invented, each writer's nodes in its order, none of a writer's
 * acknowledged nodes missing before a later one of it); only added peers are writable.
 * Final check: after the heal every peer's view is identical and holds every
 * acknowledged node.
 */
export const autobaseWorkload: Workload<BaseState, Base> & { requires: () => void } = {
  name: 'autobase',
  // Autobase's open runs its storage operations one after another: on the slowest disk
  // the generator draws (2% of operations stall up to 5 s) a reopen took 27 s of virtual
  // time (seeds 13 and 14), which the 10 s step timeout called a hang. A real hang is
  // still caught, after 2 virtual minutes.
  setupTimeoutMs: 120_000,
  requires: () => { loadAutobase() },
  init: () => ({ bootstrap: null, locals: new Map(), added: new Set(), started: new Map(), acked: new Map(), seen: [], failures: [], torn: new Set() }),
  async setup (peer, ctx) {
    const Ctor = loadAutobase()
    const first = peer.index === ctx.peers[0]
    if (!first && ctx.state.bootstrap === null) throw new Error('the first peer has not made the base')
    const base = new Ctor(peer.store, ctx.state.bootstrap, {
      valueEncoding: 'json',
      open: (store: { get (name: string, opts: object): ViewCore }) => store.get('view', { valueEncoding: 'json' }),
      apply: (nodes: Array<{ value: unknown }>, view: ViewCore, host: ApplyHost) => autobaseHooks.apply(nodes, view, host)
    })
    // Autobase closes itself on an internal error (a write its storage refused) and
    // crashes the process unless someone listens: an app listens, and restarts it.
    base.on('error', (err) => {
      ctx.state.failures.push({ peer: peer.index, base, disk: diskErrorCode(err) !== null, error: oneLine(err) })
    })
    await base.ready()
    if (first) {
      ctx.state.bootstrap = base.key
      ctx.state.added.add(peer.index)
    }
    ctx.state.locals.set(peer.index, base.local.key.toString('hex'))
    return base
  },
  async teardown (peer, ctx) {
    if (peer.crashed === true || peer.writesRefused === true) ctx.state.torn.add(peer.index)
    // A base that stopped itself already closed (its error is the invariant's business):
    // its close may reject with that failure.
    const stopped = peer.app.closing !== null
    await peer.app.close().catch((err: unknown) => { if (!stopped) throw err })
  },
  stopped: (base) => base.closing !== null,
  operations: autobaseOperations,
  invariants: {
    'views are valid orders': (ctx) => {
      const bad: string[] = []
      for (const { peer, view } of ctx.state.seen.splice(0)) {
        const invalid = invalidOrder(ctx.state, view)
        const torn = ctx.state.torn.has(peer) ? TORN : ''
        if (invalid !== null) bad.push(`peer ${peer}: ${invalid.why}${torn} (view: ${showView(view)})`)
      }
      return bad
    },
    // A base the simulator dropped (its peer crashed, its database force-closed) fails
    // however it likes: only errors of running bases count.
    'a base fails only when its disk does': (ctx) =>
      ctx.state.failures.splice(0).filter((f) => !f.disk && ctx.app(f.peer) === f.base).map((f) => `peer ${f.peer}: the base closed itself on ${f.error}`),
    'writers are added through the base': (ctx) => {
      const bad: string[] = []
      for (const p of ctx.peers) {
        const base = ctx.app(p)
        if (base !== null && base.writable && !ctx.state.added.has(p)) bad.push(`peer ${p} is writable but was never added`)
      }
      return bad
    }
  },
  async check (ctx) {
    const total = [...ctx.state.acked.values()].reduce((n, s) => n + s.size, 0)
    let views = new Map<number, LogNode[]>()
    const down = ctx.peers.filter((p) => ctx.app(p) === null || (ctx.app(p) as Base).closing !== null)
    if (down.length > 0) return `peers ${down.join(', ')} have no running base after the heal`
    // Rounds of a virtual second, fewer than the check's 120 s: views that never agree
    // are reported as they are, not as a check that ran out of time.
    const rounds = 90
    for (let round = 0; round < rounds; round++) {
      for (const p of ctx.peers) await (ctx.app(p) as Base).update()
      const lengths = ctx.peers.map((p) => (ctx.app(p) as Base).view.length)
      if (lengths.every((n) => n === lengths[0] && n >= total) || round === rounds - 1) {
        views = new Map()
        for (const p of ctx.peers) views.set(p, await readView(ctx.app(p) as Base, ctx.timeoutMs))
        const first = JSON.stringify(views.get(ctx.peers[0] as number))
        if (ctx.peers.every((p) => JSON.stringify(views.get(p)) === first)) break
      }
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
    const bad: string[] = []
    // Compared with the first valid view, so one torn view is not blamed on every peer.
    const refPeer = ctx.peers.find((p) => invalidOrder(ctx.state, views.get(p) ?? []) === null) ?? ctx.peers[0] as number
    const reference = views.get(refPeer) ?? []
    for (const [p, view] of views) {
      const invalid = invalidOrder(ctx.state, view)
      const torn = ctx.state.torn.has(p) ? TORN : ''
      if (invalid !== null) bad.push(`peer ${p}: ${invalid.why}${torn}`)
      // A view out of order differs from the others by that alone, and the node it misses
      // is the one named: said once, above.
      if (invalid === null && JSON.stringify(view) !== JSON.stringify(reference)) bad.push(`peer ${p}'s view differs from peer ${refPeer}'s: ${showView(view)} vs ${showView(reference)}`)
      const present = new Set(view.map((n) => `${n.w}:${n.i}`))
      for (const [w, acked] of ctx.state.acked) {
        const lost = [...acked].filter((i) => !present.has(`${w}:${i}`) && invalid?.missing !== `${w}:${i}`)
        if (lost.length > 0) bad.push(`peer ${p}'s view lost acknowledged node(s) ${lost.slice(0, 5).map((i) => `${w}:${i}`).join(', ')}`)
      }
    }
    return bad
  }
}
