import fs from 'fs'
import os from 'os'
import path from 'path'
import { CoreCatalog } from './peers/catalog'
import type { CheckContext } from './checks/invariants'
import type { SimContext } from './context'
import { Lifecycle } from './peers/lifecycle'
import { MathRandomRoute } from './random/math-random'
import { CryptoRandomRoute } from './random/crypto-random'
import type { LinkStream } from './network/link'
import { Network } from './network/network'
import { Peer } from './peers/peer'
import { Prng } from './random/prng'
import type { FaultKind } from './scenario/steps'
import { Scheduler } from './clock/scheduler'
import type { ResolvedSimOptions } from './options'
import type { StepContext } from './scenario/executor'
import { resolveStoreFactory, type StoreFactory } from './peers/store-factory'
import { Trace } from './trace/trace'
import { VirtualClock } from './clock/virtual-clock'
import { ViolationLog } from './checks/violation-log'
import { SimDisks } from './disk/sim-disks'
import { WorkloadHost } from './workloads/host'
import { GcTiming, UPSTREAM_GC } from './checks/gc-timing'

/** Every part of a simulation, built and wired together by `buildParts` (see SimContext for the shared ones). */
export interface SimParts extends Omit<SimContext, 'options' | 'step' | 'peers'> {
  /** The store under test. */
  readonly store: StoreFactory
  readonly clock: VirtualClock
  /** The peers, by index. */
  readonly peers: Peer[]
  /** The application running on the peers (`options.workload`), or null. */
  readonly workload: WorkloadHost | null
  /** Peers going down and coming back, and the timers that lift faults. */
  readonly lifecycle: Lifecycle
  /** What a step's executor sees of the simulation. */
  readonly steps: StepContext
  /** Faults injected so far, by kind. */
  readonly faults: Partial<Record<FaultKind, number>>
  /** The folder holding every peer's folder. */
  readonly dir: string
  /** True when `dir` is a temporary folder made here, for the simulation to remove. */
  readonly ownsDir: boolean
  /** Where the invariants are checked now (peers, cores, virtual time, step). */
  context (): CheckContext
}

/**
 * Builds every part of a simulation from its resolved options, each seeded from its
 * own fork of the run's PRNG. `step` reads the index of the step being applied (null
 * between steps). Touches no global: the clock is installed later, by the scheduler.
 */
export function buildParts (opts: ResolvedSimOptions, step: () => number | null): SimParts {
  // Loaded now, before any global is replaced (upstream's hypercore included).
  const store = resolveStoreFactory(opts.store)
  const prng = new Prng(opts.seed)
  const clock = new VirtualClock()
  const scheduler = new Scheduler(clock, new MathRandomRoute(prng.fork('math-random').seed), {}, new CryptoRandomRoute(prng.fork('crypto-random').seed))
  const trace = new Trace(() => clock.installed ? clock.elapsedMs : 0, opts.trace)
  const log = new ViolationLog(trace)
  const catalog = new CoreCatalog()
  const peers: Peer[] = []
  const network = new Network({
    clock,
    prng: prng.fork('network'),
    trace,
    openStreams: (a, b) => openStreams(peers, a, b)
  }, { link: opts.link, reconnectDelayMs: opts.reconnectDelayMs })
  const ownsDir = opts.dir === null
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'corestore-sim-'))
  trace.redact(dir, '<run>')
  for (let i = 0; i < opts.peers; i++) {
    const peer = new Peer(i, path.join(dir, `peer-${i}`), prng.fork(`peer/${i}`).bytes(32), store, catalog, opts.peer)
    peer.oncollect = (core) => trace.record('gc', { p: i, c: core })
    peer.gcTiming = new GcTiming(store.tunableGc ? { intervalMs: opts.peer.gcIntervalMs, strikes: opts.peer.gcStrikes } : UPSTREAM_GC, () => clock.now())
    peer.ongctiming = (core, detail) => {
      log.account({ checked: 1, violations: [{ invariant: 'gc-timing', atMs: clock.elapsedMs, step: step(), peer: i, ...(core === -1 ? {} : { core }), detail }] })
    }
    peers.push(peer)
  }
  const disks = new SimDisks({ clock, gate: scheduler.gate, prng: (i) => prng.fork(`disk/${i}`) }, peers.map((p) => p.dir), opts.disks)
  for (const disk of disks.disks) {
    disk.onfail = (kind, code) => trace.record('dfail', { p: disk.index, op: kind, code })
    disk.sync.onsync = () => (peers[disk.index] as Peer).synced()
    // A conflict is hypercore's answer to a writer that wrote over rotten metadata; with no such rot on its disk, the writer equivocated.
    ;(peers[disk.index] as Peer).onconflict = (core) => {
      trace.record('conflict', { p: disk.index, c: core })
      disk.stats.conflicts++
      const owner = core === -1 ? undefined : catalog.get(core).owner
      if (owner !== undefined && disks.get(owner).rottenMeta.size === 0) {
        log.violate('convergence', `hypercore reports conflicting signatures of core ${core}'s writer, whose disk read no rotten metadata`, clock.installed ? clock.elapsedMs : 0, step())
      }
    }
    disk.onrot = (target, pointer, sticky) => trace.record('rot', { p: disk.index, target, ptr: pointer, ...(sticky ? { sticky } : {}) })
  }
  let workload: WorkloadHost | null
  try {
    workload = opts.workload === null
      ? null
      : new WorkloadHost(opts.workload, {
        peers,
        scheduler,
        trace,
        log,
        stepTimeoutMs: opts.stepTimeoutMs,
        step,
        refusedWrites: (i) => disks.get(i).stats.failedWrites,
        ...(opts.setupTimeoutMs === undefined ? {} : { setupTimeoutMs: opts.setupTimeoutMs }),
        ...(opts.checkTimeoutMs === undefined ? {} : { checkTimeoutMs: opts.checkTimeoutMs })
      })
  } catch (err) {
    if (ownsDir) fs.rmSync(dir, { recursive: true, force: true })
    throw err
  }
  const context = (): CheckContext => ({ peers, catalog, atMs: clock.elapsedMs, step: step() })
  const lifecycle = new Lifecycle({ app: workload, peers, catalog, network, disks, scheduler, trace, log, context })
  const faults: Partial<Record<FaultKind, number>> = {}
  let faultIds = 0
  const steps: StepContext = {
    peers,
    catalog,
    network,
    disks,
    clock,
    trace,
    stepTimeoutMs: opts.stepTimeoutMs,
    violate: (invariant, detail, peer, core) => {
      log.account({ checked: 1, violations: [{ invariant, atMs: clock.elapsedMs, step: step(), peer, ...(core === undefined ? {} : { core }), detail }] })
    },
    passed: (n) => log.passed(n),
    countFault: (kind) => { faults[kind] = (faults[kind] ?? 0) + 1 },
    nextFaultId: () => ++faultIds,
    later: (delayMs, fn) => lifecycle.later(delayMs, fn),
    crashPeer: (i) => lifecycle.crashPeer(i),
    powerLoss: (i) => lifecycle.powerLoss(i),
    afterStorageCompletions: (count) => scheduler.afterStorageCompletions(count),
    closePeer: (i) => lifecycle.closePeer(i),
    closePeerLinksUp: (i) => lifecycle.closePeerLinksUp(i),
    restartPeer: (i) => lifecycle.restartPeer(i),
    recoverPeer: (i) => lifecycle.recoverPeer(i),
    healAll: () => lifecycle.healAll(),
    sleepPeer: (i, fault) => lifecycle.sleepPeer(i, fault),
    wakePeer: (i, fault) => lifecycle.wakePeer(i, false, fault),
    featureCounts: {},
    runOp: (peer, op, args) => {
      if (workload === null) throw new RangeError(`step op ${op}: the simulation has no workload`)
      return workload.runOp(peer, op, args)
    }
  }
  return { store, clock, scheduler, trace, log, network, disks, catalog, peers, workload, lifecycle, steps, faults, dir, ownsDir, context }
}

/** A replication stream pair between two running peers; null when either is down. */
function openStreams (peers: readonly Peer[], a: number, b: number): [LinkStream, LinkStream] | null {
  const pa = peers[a] as Peer
  const pb = peers[b] as Peer
  if (!pa.up || !pb.up) return null
  return [pa.requireStore().replicate(true), pb.requireStore().replicate(false)]
}
