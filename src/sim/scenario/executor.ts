import type Hypercore = require('hypercore')
import { blockContent, type CatalogEntry, type CoreCatalog } from '../peers/catalog'
import { errorCode, type CheckResult, type InvariantName } from '../checks/invariants'
import { checkFailedAppend, injectDiskFault, servedOwnRot, type DiskFaultContext } from '../disk/disk-steps'
import { injectPeerNetFault, type PeerNetFaultContext } from '../network/peer-net-steps'
import { linkName, type Network } from '../network/network'
import type { Peer } from '../peers/peer'
import type { FaultKind, InflightAppend, Step } from './steps'
import type { Trace } from '../trace/trace'
import type { Clock } from '../clock/virtual-clock'
import type { JsonValue } from '../workloads/workload'
import { runApiStep, type FeatureCounts } from './features'
import type { LinksUpClose } from '../peers/lifecycle'

/** What a step produced, before the simulator stamps index and time on it. */
export interface StepOutput {
  ok: boolean
  code?: string
  value?: number
  /** What a workload operation returned. */
  result?: JsonValue
  /** Why a workload operation did no work (`ctx.skip(reason)`); absent when it did. */
  skipped?: string
}

/** What the executor needs of a simulation. */
export interface StepContext extends DiskFaultContext, PeerNetFaultContext {
  readonly peers: readonly Peer[]
  readonly catalog: CoreCatalog
  readonly network: Network
  readonly clock: Clock
  readonly trace: Trace
  /** Records a broken invariant found while running a step. */
  violate (invariant: InvariantName, detail: string, peer: number, core?: number): void
  /** Counts conditions checked while running a step that held. */
  passed (n: number): void
  /** Virtual timeout of one network-bound operation (get, download), in ms. */
  readonly stepTimeoutMs: number
  /** Counts an injected fault. */
  countFault (kind: FaultKind): void
  /** A number unique within the simulation, to tag one fault. */
  nextFaultId (): number
  /** Crashes a peer (links first). */
  crashPeer (peer: number): Promise<void>
  /** Crashes a peer and puts its folder back to its disk's last sync point (Lifecycle.powerLoss). */
  powerLoss (peer: number): Promise<void>
  /** Resolves at the first quiet moment after `count` more storage completions (Scheduler.afterStorageCompletions). */
  afterStorageCompletions (count: number): Promise<void>
  /** Reopens a crashed or closed peer, reconnects it and checks durability. */
  restartPeer (peer: number): Promise<CheckResult>
  /** Closes a running peer cleanly (links first). */
  closePeer (peer: number): Promise<void>
  /** Closes a running peer cleanly with its links up, then cuts them (Lifecycle.closePeerLinksUp). */
  closePeerLinksUp (peer: number): Promise<LinksUpClose>
  /** Lifts every fault and restarts crashed peers. */
  healAll (): Promise<void>
  /** Runs a workload operation (`op` step); throws a WorkloadError if the simulation has no workload. */
  runOp (peer: number, op: string, args: JsonValue): Promise<StepOutput>
  /** Api steps run and with real work, per feature (`api` steps). */
  readonly featureCounts: FeatureCounts
}

const OK: StepOutput = { ok: true }

/** Steps that act through a peer's own process, refused while it sleeps. Link and disk faults and crashes still reach it. */
const ASLEEP_REFUSES: ReadonlySet<Step['kind']> = new Set(['append', 'get', 'download', 'open-session', 'close-session', 'op', 'api', 'restart', 'sleep'])

function noop (): void {}

/**
 * Runs one step against the simulation. Every operation that waits on the network
 * carries its own virtual timeout, so a step ends by itself; the simulator drives the
 * returned promise on the virtual clock.
 */
export async function executeStep (ctx: StepContext, step: Step): Promise<StepOutput> {
  // A sleeping peer runs nothing: its app and its operator are asleep too (a crash still takes it).
  if (ASLEEP_REFUSES.has(step.kind) && 'peer' in step && ctx.peers[step.peer]?.asleep != null) return { ok: false, code: 'PEER_ASLEEP' }
  switch (step.kind) {
    case 'append': return withPeer(ctx, step.peer, (peer) => append(ctx, peer, ctx.catalog.get(step.core), step.blocks, step.closeFirst === true))
    case 'get': return withPeer(ctx, step.peer, (peer) => get(ctx, peer, ctx.catalog.get(step.core), step.index))
    case 'download': return withPeer(ctx, step.peer, (peer) => download(ctx, peer, ctx.catalog.get(step.core), step.start, step.end))
    case 'open-session': return withPeer(ctx, step.peer, async (peer) => {
      const entry = ctx.catalog.get(step.core)
      try {
        await peer.openSession(entry)
      } catch (err) {
        // A session that failed to open is closed by hypercore; the model drops it too.
        peer.sessions.get(entry.index)?.pop()
        throw err
      }
      return { ok: true, value: peer.sessions.get(entry.index)?.length ?? 0 }
    })
    case 'close-session': return withPeer(ctx, step.peer, async (peer) => {
      return (await peer.closeSession(step.core)) ? OK : { ok: false, code: 'NO_SESSION' }
    })
    case 'replicate':
      ctx.network.connect(step.a, step.b)
      return OK
    case 'op': return ctx.runOp(step.peer, step.op, step.args)
    case 'api': {
      const { real: _real, ...out } = await runApiStep(ctx, step, errorCode)
      return out
    }
    case 'advance':
      // The simulator drives time itself for this step; it never reaches the executor.
      throw new Error('advance steps are run by the simulator')
    default: return fault(ctx, step)
  }
}

async function withPeer (ctx: StepContext, index: number, fn: (peer: Peer) => Promise<StepOutput>): Promise<StepOutput> {
  const peer = ctx.peers[index] as Peer
  if (!peer.up) return { ok: false, code: 'PEER_DOWN' }
  try {
    return await fn(peer)
  } catch (err) {
    return { ok: false, code: errorCode(err) }
  }
}

/** A tracked session if the peer has one, else a temporary one closed after `fn`. */
async function withSession<T> (peer: Peer, entry: CatalogEntry, fn: (session: Hypercore) => Promise<T>): Promise<T> {
  const tracked = peer.session(entry.index)
  if (tracked !== null) return fn(tracked)
  const session = peer.tempSession(entry)
  try {
    await session.ready()
    return await fn(session)
  } finally {
    await session.close()
  }
}

async function append (ctx: StepContext, peer: Peer, entry: CatalogEntry, blocks: number, closeFirst: boolean): Promise<StepOutput> {
  if (!closeFirst) return withSession(peer, entry, (session) => appendOn(ctx, peer, entry, session, blocks, false))
  const session = peer.tempSession(entry)
  try {
    await session.ready()
  } catch (err) {
    await session.close().catch(noop)
    throw err
  }
  return appendOn(ctx, peer, entry, session, blocks, true)
}

/** Appends on a session (closing it right after the start if `closeFirst`), and checks a failure. */
async function appendOn (ctx: StepContext, peer: Peer, entry: CatalogEntry, session: Hypercore, blocks: number, closeFirst: boolean): Promise<StepOutput> {
  const disk = ctx.disks.get(peer.index)
  const start = session.length
  const store = peer.store
  const failures = (): number => disk.stats.failedWrites + disk.stats.failedReads
  const failedBefore = failures()
  const batch: Buffer[] = []
  for (let i = 0; i < blocks; i++) batch.push(blockContent(entry.name, start + i))
  // The peer may have gone down while the session opened (a recovery closes its store
  // beside the step, seed 11): trackAppend would then throw after the append started on
  // the closed session, and that append's rejection would be nobody's (an uncaught error).
  peer.requireStore()
  const appending = peer.trackAppend(entry.index, blocks, session.append(batch))
  const closing = closeFirst ? session.close() : null
  try {
    const { length } = await appending
    return { ok: true, value: length }
  } catch (err) {
    // Not when a recovery closed the store under the step (the simulator's doing), nor on
    // a core the peer does not own (it cannot write it).
    const diskFailed = failures() > failedBefore
    if (peer.store === store && (diskFailed || entry.owner === peer.index)) {
      const found = checkFailedAppend(err, diskFailed, start, blocks, closeFirst ? null : session.length)
      ctx.passed(2 - found.length)
      for (const [invariant, detail] of found) ctx.violate(invariant, detail, peer.index, entry.index)
    }
    throw err
  } finally {
    await closing
  }
}

/**
 * Starts an append the peer will crash in the middle of, and waits for the crash
 * point. The session is left open: the crash abandons it with the store. The trace
 * records whether the append had been acknowledged by then.
 */
async function startInflightAppend (ctx: StepContext, peer: Peer, a: InflightAppend): Promise<void> {
  const entry = ctx.catalog.get(a.core)
  const session = peer.session(entry.index) ?? peer.tempSession(entry)
  await session.ready()
  const start = session.length
  const batch: Buffer[] = []
  for (let i = 0; i < a.blocks; i++) batch.push(blockContent(entry.name, start + i))
  let settled = 'pending'
  peer.requireStore() // as in appendOn: never start an append trackAppend would refuse
  const appending = peer.trackAppend(entry.index, a.blocks, session.append(batch))
  appending.then(() => { settled = 'acked' }, (err: unknown) => { settled = errorCode(err) })
  await ctx.afterStorageCompletions(a.afterStorageOps)
  ctx.trace.record('inflight', { p: peer.index, c: entry.index, from: start, n: a.blocks, ops: a.afterStorageOps, s: settled })
}

async function get (ctx: StepContext, peer: Peer, entry: CatalogEntry, index: number): Promise<StepOutput> {
  const disk = ctx.disks.get(peer.index)
  const rotBefore = disk.stats.corruptReads
  return withSession(peer, entry, async (session) => {
    const block = await session.get(index, { timeout: ctx.stepTimeoutMs })
    if (block === null) return { ok: false, code: 'NO_BLOCK' }
    const expected = blockContent(entry.name, index)
    if (servedOwnRot(disk, rotBefore, block, expected)) {
      ctx.trace.record('tolerated', { why: 'own-disk-rot', p: peer.index, c: entry.index, i: index })
      return { ok: false, code: 'WRONG_BLOCK', value: block.byteLength }
    }
    // Block i of a core has one content (blockContent), whoever appended it and however
    // often: a read that returns anything else hands the app corrupt data.
    if (!block.equals(expected)) {
      ctx.violate('wrong-block', `a get of block ${index} returned ${block.byteLength} bytes that differ from the block the owner appended`, peer.index, entry.index)
      return { ok: false, code: 'WRONG_BLOCK', value: block.byteLength }
    }
    ctx.passed(1)
    return { ok: true, value: block.byteLength }
  })
}

async function download (ctx: StepContext, peer: Peer, entry: CatalogEntry, start: number, end: number): Promise<StepOutput> {
  return withSession(peer, entry, async (session) => {
    const range = session.download({ start, end })
    let timedOut = false
    const timer = ctx.clock.setTimeout(() => {
      timedOut = true
      range.destroy()
    }, ctx.stepTimeoutMs)
    try {
      await range.done()
      // hypercore resolves a destroyed range (with false) rather than rejecting it.
      return timedOut ? { ok: false, code: 'TIMEOUT' } : OK
    } catch (err) {
      return { ok: false, code: timedOut ? 'TIMEOUT' : errorCode(err) }
    } finally {
      ctx.clock.clearTimeout(timer)
    }
  })
}

async function fault (ctx: StepContext, step: Exclude<Step, { kind: 'append' | 'get' | 'download' | 'open-session' | 'close-session' | 'replicate' | 'advance' | 'op' | 'api' }>): Promise<StepOutput> {
  const { network, trace } = ctx
  // Every fault line carries an `id` that its `lift` repeats, so a reader can pair them
  // (faults of one kind overlap); a fault with no lift lasts until the next `heal`.
  const id = ctx.nextFaultId()
  const lift = (durationMs: number | undefined, what: string, fn: () => void): void => {
    if (durationMs === undefined) return
    ctx.later(durationMs, () => {
      trace.record('lift', { f: what, id })
      fn()
    })
  }
  switch (step.kind) {
    case 'disconnect': {
      // Unique, so overlapping disconnects of one link lift independently.
      const reason = `disconnect#${id}`
      network.block(step.a, step.b, reason)
      ctx.countFault('disconnect')
      trace.record('fault', { f: 'disconnect', id, a: step.a, b: step.b, l: linkName(step.a, step.b) })
      lift(step.durationMs, 'disconnect', () => network.unblock(step.a, step.b, reason))
      return OK
    }
    case 'partition': {
      const tag = network.partition(step.side)
      ctx.countFault('partition')
      trace.record('fault', { f: 'partition', id, side: step.side })
      lift(step.durationMs, 'partition', () => network.healPartition(tag))
      return OK
    }
    case 'stall': {
      const link = network.connect(step.a, step.b)
      link.stall()
      ctx.countFault('stall')
      trace.record('fault', { f: 'stall', id, l: link.name })
      lift(step.durationMs, 'stall', () => link.resume())
      return OK
    }
    case 'slow': {
      const link = network.connect(step.a, step.b)
      link.slow(step.bandwidthBytesPerSec)
      ctx.countFault('slow')
      trace.record('fault', { f: 'slow', id, l: link.name, bps: step.bandwidthBytesPerSec })
      lift(step.durationMs, 'slow', () => link.unslow())
      return OK
    }
    case 'crash': {
      const peer = ctx.peers[step.peer] as Peer
      if (!peer.up) return { ok: false, code: 'PEER_DOWN' }
      // The crash follows the crash point within one microtask drain: no storage
      // completion, immediate or timer can come in between (Scheduler.afterStorageCompletions).
      // A sleeping peer's app starts no append: it dies with nothing in flight.
      if (step.inflightAppend !== undefined && peer.asleep === null) await startInflightAppend(ctx, peer, step.inflightAppend)
      await ctx.crashPeer(step.peer)
      ctx.countFault('crash')
      trace.record('fault', { f: 'crash', id, p: step.peer })
      lift(step.downMs, 'crash', () => { void ctx.restartPeer(step.peer) })
      return OK
    }
    case 'power-loss': {
      if (!(ctx.peers[step.peer] as Peer).up) return { ok: false, code: 'PEER_DOWN' }
      await ctx.powerLoss(step.peer)
      ctx.countFault('power-loss')
      trace.record('fault', { f: 'power-loss', id, p: step.peer })
      lift(step.downMs, 'power-loss', () => { void ctx.restartPeer(step.peer) })
      return OK
    }
    case 'restart': {
      const peer = ctx.peers[step.peer] as Peer
      trace.record('fault', { f: 'restart', id, p: step.peer })
      if (peer.up) await ctx.closePeer(step.peer)
      ctx.countFault('restart')
      const checked = await ctx.restartPeer(step.peer)
      trace.record('lift', { f: 'restart', id })
      return checked.violations.length === 0 ? OK : { ok: false, code: 'DURABILITY' }
    }
    case 'disk-error':
    case 'disk-full':
    case 'read-error':
    case 'corrupt-read':
      injectDiskFault(ctx, step, id)
      return OK
    case 'one-way':
    case 'sleep':
      return injectPeerNetFault(ctx, step, id)
    case 'heal':
      await ctx.healAll()
      return OK
  }
}
