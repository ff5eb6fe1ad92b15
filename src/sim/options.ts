import type { CoreSpec } from './peers/catalog'
import { checkDiskProfile, type DiskProfile } from './disk/disk-profile'
import { checkLinkOptions, type LinkOptions } from './network/link'
import { checkPeerOptions, type PeerOptions } from './peers/peer-options'
import { checkSeed } from './random/prng'
import type { StoreFactory } from './peers/store-factory'
import type { TraceOptions } from './trace/trace'
import { checkWorkload, type AnyWorkload } from './workloads/workload'

/** Initial links: every pair, none, or the pairs listed. */
export type Topology = 'mesh' | 'none' | Array<[number, number]>

/** Options of `Sim.create()`. Only `seed` is required. */
export interface SimOptions {
  /** Seed of every random choice of the run: an integer in [0, 2^32). */
  seed: number
  /** Number of peers, 1 to 4096. Default 2. */
  peers?: number
  /** Cores: a count (core i is `core-i`, owned by peer i % peers) or explicit specs. Default 1. */
  cores?: number | CoreSpec[]
  /** Store under test: `project`, `upstream` (corestore), another package name, or a factory. Default `project`. */
  store?: string | StoreFactory
  /** Links made at start. Default `mesh`. */
  links?: Topology
  /** Options of every link (latency, jitter, bandwidth). */
  link?: LinkOptions
  /** Delay before a link whose stream closed by itself comes back, in ms. Default 1000. */
  reconnectDelayMs?: number
  /** Options of every peer (GC interval and strikes, replication linger). */
  peer?: PeerOptions
  /** Disk profile of every peer: one for all, or one per peer (fields default to 0). Default: perfect disks. */
  disks?: Partial<DiskProfile> | Array<Partial<DiskProfile>>
  /** Virtual timeout of one network-bound operation of a step (get, download), in ms. Default 10000. */
  stepTimeoutMs?: number
  /** Probability that a GC close is raced by a get on the same core (see GcRacer). Default 0. */
  gcRace?: number
  /** Folder for the peers' storage. Default: a fresh temporary folder, removed by `close()`. */
  dir?: string
  /** Trace file and detail. Default: no file, deliveries recorded, lines not kept. */
  trace?: TraceOptions
  /** An application to run on the peers (`op` steps, its invariants; see Workload). Default: none. */
  workload?: AnyWorkload
  /** Virtual time one workload setup may take, in ms. Default: the workload's `setupTimeoutMs`, else `stepTimeoutMs`. */
  setupTimeoutMs?: number
  /** Virtual time the workload's final check may take, in ms. Default: the workload's `checkTimeoutMs`, else the heal timeout. */
  checkTimeoutMs?: number
}

/** SimOptions with defaults applied and checked. */
export interface ResolvedSimOptions {
  seed: number
  peers: number
  cores: CoreSpec[]
  store: string | StoreFactory
  links: Array<[number, number]>
  link: Required<LinkOptions>
  reconnectDelayMs: number
  peer: Required<PeerOptions>
  /** One per peer. */
  disks: DiskProfile[]
  stepTimeoutMs: number
  gcRace: number
  dir: string | null
  trace: TraceOptions
  workload: AnyWorkload | null
  /** Overrides of the workload's time limits; undefined: the workload's own (see SimOptions). */
  setupTimeoutMs: number | undefined
  checkTimeoutMs: number | undefined
}

/** Applies defaults and validates; throws RangeError or TypeError on bad options. */
export function resolveSimOptions (opts: SimOptions): ResolvedSimOptions {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('Sim options must be an object')
  const seed = checkSeed(opts.seed)
  const peers = opts.peers ?? 2
  if (!Number.isInteger(peers) || peers < 1 || peers > 4096) throw new RangeError('peers must be an integer in [1, 4096]')
  const cores = resolveCores(opts.cores ?? 1, peers)
  const stepTimeoutMs = opts.stepTimeoutMs ?? 10_000
  if (!Number.isInteger(stepTimeoutMs) || stepTimeoutMs < 1) throw new RangeError('stepTimeoutMs must be a positive integer')
  const reconnectDelayMs = opts.reconnectDelayMs ?? 1000
  if (!Number.isInteger(reconnectDelayMs) || reconnectDelayMs < 0) throw new RangeError('reconnectDelayMs must be a non-negative integer')
  const gcRace = opts.gcRace ?? 0
  if (typeof gcRace !== 'number' || !(gcRace >= 0 && gcRace <= 1)) throw new RangeError('gcRace must be a probability in [0, 1]')
  if (opts.dir !== undefined && (typeof opts.dir !== 'string' || opts.dir.length === 0)) throw new TypeError('dir must be a non-empty string')
  return {
    seed,
    peers,
    cores,
    store: opts.store ?? 'project',
    links: resolveLinks(opts.links ?? 'mesh', peers),
    link: checkLinkOptions(opts.link),
    reconnectDelayMs,
    peer: checkPeerOptions(opts.peer),
    disks: resolveDisks(opts.disks, peers),
    stepTimeoutMs,
    gcRace,
    dir: opts.dir ?? null,
    trace: opts.trace ?? {},
    workload: opts.workload === undefined ? null : checkWorkload(opts.workload, 'the workload option'),
    setupTimeoutMs: checkLimit(opts.setupTimeoutMs, 'setupTimeoutMs'),
    checkTimeoutMs: checkLimit(opts.checkTimeoutMs, 'checkTimeoutMs')
  }
}

function checkLimit (ms: number | undefined, name: string): number | undefined {
  if (ms !== undefined && (!Number.isSafeInteger(ms) || ms < 1)) throw new RangeError(`${name} must be a positive integer`)
  return ms
}

function resolveDisks (disks: SimOptions['disks'], peers: number): DiskProfile[] {
  if (!Array.isArray(disks)) {
    const one = checkDiskProfile(disks ?? {}, 'disks')
    return Array.from({ length: peers }, () => ({ ...one }))
  }
  if (disks.length !== peers) throw new RangeError(`disks: ${disks.length} profiles for ${peers} peers`)
  return disks.map((d, i) => checkDiskProfile(d, `disks[${i}]`))
}

function resolveCores (cores: number | CoreSpec[], peers: number): CoreSpec[] {
  if (typeof cores === 'number') {
    if (!Number.isInteger(cores) || cores < 0 || cores > 100_000) throw new RangeError('cores must be an integer in [0, 100000]')
    return Array.from({ length: cores }, (_, i) => ({ name: `core-${i}`, owner: i % peers }))
  }
  if (!Array.isArray(cores)) throw new TypeError('cores must be a number or an array of { name, owner }')
  const names = new Set<string>()
  return cores.map((spec, i) => {
    if (typeof spec?.name !== 'string' || spec.name.length === 0) throw new TypeError(`core ${i}: name must be a non-empty string`)
    if (!Number.isInteger(spec.owner) || spec.owner < 0 || spec.owner >= peers) throw new RangeError(`core ${i}: no owner peer ${spec.owner}`)
    const id = `${spec.owner}/${spec.name}`
    if (names.has(id)) throw new RangeError(`core ${i}: duplicate name ${spec.name} for peer ${spec.owner}`)
    names.add(id)
    return { name: spec.name, owner: spec.owner }
  })
}

function resolveLinks (links: Topology, peers: number): Array<[number, number]> {
  if (links === 'none') return []
  if (links === 'mesh') {
    const out: Array<[number, number]> = []
    for (let a = 0; a < peers; a++) {
      for (let b = a + 1; b < peers; b++) out.push([a, b])
    }
    return out
  }
  if (!Array.isArray(links)) throw new TypeError("links must be 'mesh', 'none' or an array of pairs")
  return links.map(([a, b]) => {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= peers || b >= peers || a === b) {
      throw new RangeError(`bad link ${String(a)}-${String(b)}`)
    }
    return a < b ? [a, b] : [b, a]
  })
}
