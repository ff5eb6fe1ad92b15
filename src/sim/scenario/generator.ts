import type { CoreSpec } from '../peers/catalog'
import { Prng, checkSeed } from '../random/prng'
import { DISK_FAULT_KINDS, FAULT_KINDS, PEER_NET_FAULT_KINDS, type DiskFaultKind, type FaultKind, type PeerNetFaultKind, type Step } from './steps'
import { drawPeerNetRates, insertPeerNetFaults } from './peer-net-faults'
import { drawDiskProfile, PERFECT_DISK, type DiskProfile } from '../disk/disk-profile'
import type { AnyWorkload } from '../workloads/workload'
import { drawOpStep, workloadPeers } from '../workloads/generate'
import { loadWorkload } from '../workloads/load'
import { drawFeatureProfile, insertFeatureSteps, type FeatureProfile } from './features'

/** Options of `generateScenario()`. Only `seed` is required. */
export interface ScenarioOptions {
  /** Seed of the whole run. */
  seed: number
  /** Peers, 2 to 4096. Default 8. */
  peers?: number
  /** Cores, 1 to 100,000. Default 16. */
  cores?: number
  /** Steps of the fault phase, advance steps included. Default 300. The `api` steps of the features come on top (1 to 3 per 100 each). */
  steps?: number
  /** Virtual duration of the fault phase, in ms (shared by its advance steps). Default 600,000. */
  durationMs?: number
  /** Fault kinds to inject. Default: drawn from the seed (swarm testing). */
  faults?: readonly FaultKind[]
  /** Peers' disks: `drawn` from the seed, one profile per peer (swarm testing), or all `perfect`. Default `drawn`. */
  disks?: 'drawn' | 'perfect'
  /**
   * An application to run among the steps: a built-in name (`hyperbee`, `autobase`), a
   * module path, or a workload object. About half the non-advance steps become its
   * operations. Default: none.
   */
  workload?: string | AnyWorkload
  /** Store API features whose `api` steps are mixed in (see scenario/features). Default: drawn from the seed (swarm testing). */
  features?: readonly string[]
}

/** The fault kinds of a run and how often each is injected. */
export interface FaultProfile {
  /** Whether the kinds were drawn from the seed (true) or given. */
  drawn: boolean
  /** Share of steps that inject each kind, in [0, 1]; absent kinds are off. */
  rates: Partial<Record<FaultKind, number>>
}

/** A generated scenario: everything a run does, as data. */
export interface Scenario {
  seed: number
  peers: number
  cores: CoreSpec[]
  /** Readers of each core (peers that open, read and download it), by core index. */
  readers: number[][]
  /** Links made at start: a ring, plus every reader to its core's owner. */
  links: Array<[number, number]>
  durationMs: number
  faultProfile: FaultProfile
  /** Disk profile of each peer; absent (older replay files) means perfect disks. */
  disks?: DiskProfile[]
  steps: Step[]
  /** The workload whose operations the `op` steps run: a built-in name, a module path, or the name of a workload given in code. */
  workload?: string
  /** Features whose `api` steps are among the steps; absent (older replay files) means none. */
  featureProfile?: FeatureProfile
}

/** Default scenario size: the target scenario. */
export const DEFAULT_SCENARIO = Object.freeze({ peers: 8, cores: 16, steps: 300, durationMs: 600_000 })

const BASE_WEIGHTS = { append: 30, get: 20, 'open-session': 10, 'close-session': 10, download: 8, replicate: 2, advance: 20 }
type BaseKind = keyof typeof BASE_WEIGHTS | 'op'

/**
 * With a workload: its operations take 60 of the 100 base weight, the store's own steps
 * keep 40 (halved, so its invariants keep running underneath), advances keep 20.
 */
const OP_WEIGHT = 60
const BASE_SHARE_WITH_WORKLOAD = 0.5

/**
 * Generates a scenario from its seed. Every draw comes from generators forked by
 * name (`topology`, `faults`, `steps`), so the topology does not change when the fault
 * profile does. Fault kinds and rates are themselves drawn (swarm testing): each seed
 * explores a different mix, and some seeds inject few faults of a kind on purpose.
 */
export function generateScenario (opts: ScenarioOptions): Scenario {
  const seed = checkSeed(opts.seed)
  const peers = int(opts.peers ?? DEFAULT_SCENARIO.peers, 'peers', 2, 4096)
  const coreCount = int(opts.cores ?? DEFAULT_SCENARIO.cores, 'cores', 1, 100_000)
  const stepCount = int(opts.steps ?? DEFAULT_SCENARIO.steps, 'steps', 0, 10_000_000)
  const durationMs = int(opts.durationMs ?? DEFAULT_SCENARIO.durationMs, 'durationMs', 0, Number.MAX_SAFE_INTEGER)
  const root = new Prng(seed)

  const topo = root.fork('topology')
  const all = Array.from({ length: peers }, (_, i) => i)
  const cores: CoreSpec[] = []
  const readers: number[][] = []
  const links = new Map<string, [number, number]>()
  const addLink = (x: number, y: number): void => {
    const pair: [number, number] = x < y ? [x, y] : [y, x]
    links.set(pair.join('-'), pair)
  }
  for (let i = 0; i < peers; i++) if (peers > 1) addLink(i, (i + 1) % peers)
  for (let c = 0; c < coreCount; c++) {
    const owner = topo.int(0, peers - 1)
    cores.push({ name: `core-${c}`, owner })
    const others = all.filter((p) => p !== owner)
    const r = topo.sample(others, topo.int(1, Math.min(3, others.length))).sort((x, y) => x - y)
    readers.push(r)
    for (const p of r) addLink(p, owner)
  }

  const faultProfile = drawFaultProfile(root.fork('faults'), root.fork('disk-faults'), opts.faults)
  const disksFork = root.fork('disks')
  const disks = Array.from({ length: peers }, () => (opts.disks ?? 'drawn') === 'drawn' ? drawDiskProfile(disksFork) : { ...PERFECT_DISK })
  const workload = typeof opts.workload === 'string' ? loadWorkload(opts.workload) : opts.workload
  const ops = workload === undefined ? null : { workload, peers: workloadPeers(workload, peers), prng: root.fork('workload') }
  const steps = drawSteps(root.fork('steps'), { peers, cores, readers, links: [...links.values()], stepCount, durationMs, faultProfile, crashes: root.fork('crash-append'), closeFirst: root.fork('append-close-first'), ops })
  // Drawn and placed by generators of their own: the base steps and faults stay as they were.
  const featureProfile = drawFeatureProfile(root.fork('features'), opts.features)
  // One-way and sleep faults: drawn and placed apart too (none drawn: steps as before they existed).
  const peerNet = root.fork('faults-2')
  const peerNetRates = drawPeerNetRates(peerNet, opts.faults)
  Object.assign(faultProfile.rates, peerNetRates)
  const withPeerNet = insertPeerNetFaults(peerNet, steps, peerNetRates, { peers, links: [...links.values()] })
  const mixed = insertFeatureSteps(root.fork('feature-steps'), withPeerNet, featureProfile, { peers, cores, readers })
  const scenario: Scenario = { seed, peers, cores, readers, links: [...links.values()], durationMs, faultProfile, disks, steps: mixed, featureProfile }
  if (workload !== undefined) scenario.workload = typeof opts.workload === 'string' ? opts.workload : workload.name
  return scenario
}

/** The fault kinds drawn before disk faults existed: their draws stay as they were. */
const NETWORK_FAULT_KINDS = FAULT_KINDS.filter((k) => !DISK_FAULT_KINDS.includes(k as DiskFaultKind) &&
  !PEER_NET_FAULT_KINDS.includes(k as PeerNetFaultKind))

// Disk kinds come from a generator of their own, so a profile without them is drawn
// exactly as before they existed.
function drawFaultProfile (prng: Prng, diskPrng: Prng, given: readonly FaultKind[] | undefined): FaultProfile {
  let kinds: FaultKind[]
  let diskKinds: FaultKind[]
  if (given !== undefined) {
    for (const kind of given) if (!FAULT_KINDS.includes(kind)) throw new RangeError(`unknown fault kind ${kind}`)
    kinds = NETWORK_FAULT_KINDS.filter((k) => given.includes(k))
    diskKinds = DISK_FAULT_KINDS.filter((k) => given.includes(k))
  } else {
    kinds = NETWORK_FAULT_KINDS.filter(() => prng.chance(0.6))
    for (const extra of prng.sample(NETWORK_FAULT_KINDS.filter((k) => !kinds.includes(k)), Math.max(0, 2 - kinds.length))) kinds.push(extra)
    kinds = NETWORK_FAULT_KINDS.filter((k) => kinds.includes(k))
    diskKinds = DISK_FAULT_KINDS.filter(() => diskPrng.chance(0.5))
  }
  const rates: Partial<Record<FaultKind, number>> = {}
  // Total fault share 4-16% of steps, split by drawn weights; disk faults 1-4% more.
  splitShare(prng, kinds, prng.int(4, 16) / 100, rates)
  if (diskKinds.length > 0) splitShare(diskPrng, diskKinds, diskPrng.int(1, 4) / 100, rates)
  return { drawn: given === undefined, rates }
}

function splitShare (prng: Prng, kinds: readonly FaultKind[], total: number, rates: Partial<Record<FaultKind, number>>): void {
  const weights = kinds.map(() => prng.int(1, 5))
  const sum = weights.reduce((a, b) => a + b, 0)
  kinds.forEach((k, i) => { rates[k] = Math.round((total * (weights[i] as number) / sum) * 1000) / 1000 })
}

interface StepPlan {
  peers: number
  cores: CoreSpec[]
  readers: number[][]
  links: Array<[number, number]>
  stepCount: number
  durationMs: number
  faultProfile: FaultProfile
  /** Draws the in-flight appends of crashes, apart, so they shift no other draw. */
  crashes: Prng
  /** Draws which appends close their session first, apart, for the same reason. */
  closeFirst: Prng
  /** The workload's operations, drawn apart too; null without a workload. */
  ops: { workload: AnyWorkload, peers: readonly number[], prng: Prng } | null
}

function drawSteps (prng: Prng, plan: StepPlan): Step[] {
  const weights: Record<string, number> = { ...BASE_WEIGHTS }
  if (plan.ops !== null) {
    for (const kind of Object.keys(BASE_WEIGHTS) as Array<keyof typeof BASE_WEIGHTS>) {
      if (kind !== 'advance') weights[kind] = BASE_WEIGHTS[kind] * BASE_SHARE_WITH_WORKLOAD
    }
    weights.op = OP_WEIGHT
  }
  const baseTotal = Object.values(weights).reduce((a, b) => a + b, 0)
  const faultShare = Object.values(plan.faultProfile.rates).reduce((a, b) => a + (b ?? 0), 0)
  for (const [kind, rate] of Object.entries(plan.faultProfile.rates)) {
    // Scale so each fault kind gets `rate` of all steps.
    weights[kind] = faultShare >= 1 ? 1 : (baseTotal * (rate ?? 0)) / (1 - faultShare)
  }
  const kinds = Array.from({ length: plan.stepCount }, () => prng.weighted(weights))
  const advances = kinds.filter((k) => k === 'advance').length
  const gaps = splitDuration(prng, plan.durationMs, advances)

  const length = plan.cores.map(() => 0)
  const open = new Map<string, number>()
  const holders = (c: number): number[] => [(plan.cores[c] as CoreSpec).owner, ...(plan.readers[c] as number[])]
  const steps: Step[] = []
  for (const kind of kinds) {
    const c = prng.int(0, plan.cores.length - 1)
    const spec = plan.cores[c] as CoreSpec
    switch (kind as BaseKind | FaultKind) {
      case 'append': {
        const blocks = prng.int(1, 4)
        length[c] = (length[c] as number) + blocks
        steps.push(plan.closeFirst.chance(0.1)
          ? { kind: 'append', peer: spec.owner, core: c, blocks, closeFirst: true }
          : { kind: 'append', peer: spec.owner, core: c, blocks })
        break
      }
      case 'get':
        steps.push((length[c] as number) === 0
          ? { kind: 'append', peer: spec.owner, core: c, blocks: 1 }
          : { kind: 'get', peer: prng.pick(holders(c)), core: c, index: prng.int(0, (length[c] as number) - 1) })
        if ((length[c] as number) === 0) length[c] = 1
        break
      case 'open-session': {
        const peer = prng.pick(holders(c))
        open.set(`${peer}/${c}`, (open.get(`${peer}/${c}`) ?? 0) + 1)
        steps.push({ kind: 'open-session', peer, core: c })
        break
      }
      case 'close-session': {
        const candidates = [...open].filter(([, n]) => n > 0).map(([k]) => k).sort()
        if (candidates.length === 0) {
          steps.push({ kind: 'open-session', peer: prng.pick(holders(c)), core: c })
          break
        }
        const key = prng.pick(candidates)
        open.set(key, (open.get(key) as number) - 1)
        const [peer, core] = key.split('/').map(Number) as [number, number]
        steps.push({ kind: 'close-session', peer, core })
        break
      }
      case 'download': {
        const start = prng.int(0, length[c] as number)
        steps.push({ kind: 'download', peer: prng.pick(plan.readers[c] as number[]), core: c, start, end: prng.int(start, length[c] as number) })
        break
      }
      case 'replicate': {
        const [a, b] = prng.sample(Array.from({ length: plan.peers }, (_, i) => i), 2) as [number, number]
        steps.push({ kind: 'replicate', a, b })
        break
      }
      case 'advance':
        steps.push({ kind: 'advance', ms: gaps.pop() as number })
        break
      case 'op': {
        const ops = plan.ops as NonNullable<StepPlan['ops']>
        steps.push(drawOpStep(ops.prng, ops.workload, ops.peers))
        break
      }
      default:
        steps.push(drawFault(prng, kind as FaultKind, plan))
    }
  }
  return steps
}

function drawFault (prng: Prng, kind: FaultKind, plan: StepPlan): Step {
  const [a, b] = prng.pick(plan.links)
  switch (kind) {
    case 'disconnect': return { kind, a, b, durationMs: prng.int(1000, 60_000) }
    case 'stall': return { kind, a, b, durationMs: prng.int(1000, 30_000) }
    case 'slow': return { kind, a, b, bandwidthBytesPerSec: prng.pick([10_000, 50_000, 200_000]), durationMs: prng.int(5000, 60_000) }
    case 'partition': {
      const all = Array.from({ length: plan.peers }, (_, i) => i)
      const side = prng.sample(all, prng.int(1, Math.max(1, Math.floor(plan.peers / 2)))).sort((x, y) => x - y)
      return { kind, side, durationMs: prng.int(5000, 60_000) }
    }
    case 'crash': {
      const step: Step = { kind, peer: prng.int(0, plan.peers - 1), downMs: prng.int(1000, 30_000) }
      // Half the crashes of an owner land in the middle of an append (see InflightAppend).
      const owned = plan.cores.flatMap((spec, c) => spec.owner === step.peer ? [c] : [])
      if (owned.length > 0 && plan.crashes.chance(0.5)) {
        step.inflightAppend = { core: plan.crashes.pick(owned), blocks: plan.crashes.int(1, 4), afterStorageOps: plan.crashes.int(0, 4) }
      }
      return step
    }
    case 'restart': return { kind, peer: prng.int(0, plan.peers - 1) }
    case 'disk-error':
    case 'disk-full': return { kind, peer: prng.int(0, plan.peers - 1), durationMs: prng.int(1000, 30_000) }
    case 'read-error': return { kind, peer: prng.int(0, plan.peers - 1), reads: prng.int(1, 3) }
    case 'one-way':
    case 'sleep': throw new Error(`${kind} faults are inserted apart (peer-net-faults)`)
  }
}

/** Splits `total` ms into `n` random integer parts that sum to it. */
function splitDuration (prng: Prng, total: number, n: number): number[] {
  if (n === 0) return []
  const weights = Array.from({ length: n }, () => prng.int(1, 1000))
  const sum = weights.reduce((x, y) => x + y, 0)
  const parts = weights.map((w) => Math.floor((total * w) / sum))
  parts[0] = (parts[0] as number) + total - parts.reduce((x, y) => x + y, 0)
  return parts
}

function int (value: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}]`)
  return value
}
