import type { CoreCatalog } from './peers/catalog'
import type { Network } from './network/network'
import type { Peer } from './peers/peer'
import type { ResolvedSimOptions } from './options'
import type { Scheduler } from './clock/scheduler'
import type { SimDisks } from './disk/sim-disks'
import type { Trace } from './trace/trace'
import type { ViolationLog } from './checks/violation-log'

/**
 * What every part of a running simulation shares, made once by `Sim.create` from
 * options resolved once (`resolveSimOptions`). Parts take the slice they need
 * (`Pick<SimContext, ...>`) instead of re-reading options or reaching into the Sim.
 */
export interface SimContext {
  /** Options, defaults applied and checked. */
  readonly options: ResolvedSimOptions
  /** Decides idleness and moves virtual time; owns the clock and the storage gate. */
  readonly scheduler: Scheduler
  /** The run's JSONL record. */
  readonly trace: Trace
  /** Invariant results and uncaught errors. */
  readonly log: ViolationLog
  /** Links and link faults. */
  readonly network: Network
  /** Every peer's disk: latency and disk faults. */
  readonly disks: SimDisks
  /** The cores, with their keys. */
  readonly catalog: CoreCatalog
  /** The peers, by index. */
  readonly peers: readonly Peer[]
  /** Index of the step being applied; null between steps. */
  readonly step: number | null
}
