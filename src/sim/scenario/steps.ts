import type { JsonValue } from '../workloads/workload'
import { isFeatureName, type ApiStep } from './features/names'

/** Kinds of fault a scenario can inject. */
export type FaultKind = 'disconnect' | 'partition' | 'stall' | 'slow' | 'crash' | 'restart' | DiskFaultKind
  | PeerNetFaultKind

/** Kinds of one-way link and sleeping-peer fault (drawn apart from the others: see the generator). */
export type PeerNetFaultKind = 'one-way' | 'sleep'

/** Every one-way link and sleeping-peer fault kind, in a fixed order. */
export const PEER_NET_FAULT_KINDS: readonly PeerNetFaultKind[] = Object.freeze(['one-way', 'sleep'])

/** What a `one-way` fault does to its direction (see Link.oneWay). */
export type OneWayStepMode = 'drop' | 'stall' | 'slow'

const ONE_WAY_MODES: readonly string[] = ['drop', 'stall', 'slow']

/** Kinds of disk fault (see SimDisk and docs/ARCHITECTURE.md for what each models). */
export type DiskFaultKind = 'disk-error' | 'disk-full' | 'read-error'

/** Every disk fault kind, in a fixed order. */
export const DISK_FAULT_KINDS: readonly DiskFaultKind[] = Object.freeze(['disk-error', 'disk-full', 'read-error'])

/** Every fault kind, in a fixed order. */
export const FAULT_KINDS: readonly FaultKind[] = Object.freeze(['disconnect', 'partition', 'stall', 'slow', 'crash', 'restart', ...DISK_FAULT_KINDS,
  ...PEER_NET_FAULT_KINDS])

/**
 * The append a `crash` step leaves in flight: the peer starts appending `blocks` blocks
 * to `core` (which it should own) without waiting, and crashes at the first quiet
 * moment after `afterStorageOps` storage completions have been delivered. With
 * hypercore 11.37 an append reads a bitfield page, writes its batch, then writes hints:
 * 0 crashes before the batch is written (dropped whole), 1 or 2 after it is written
 * and before the promise resolves (kept whole, unacknowledged), 3 or more mostly
 * after it resolved (acknowledged). The same step crashes at the same point every run.
 */
export interface InflightAppend {
  core: number
  blocks: number
  afterStorageOps: number
}

/**
 * One step of a scenario. Peers and cores are indexes. A step runs to completion (or
 * to the simulation's step timeout) before the next starts; faults with a duration are
 * lifted by a virtual timer, faults without one last until lifted by `heal`.
 */
export type Step =
  /**
   * The owner appends `blocks` blocks (content: `blockContent(name, index)`). With
   * `closeFirst`, on a session of its own that it closes right after starting the
   * append, as an app that does not await its append (the write goes on without a
   * session); the step still reports the append's outcome.
   */
  | { kind: 'append', peer: number, core: number, blocks: number, closeFirst?: boolean }
  /** Reads one block (waits for peers up to the step timeout). */
  | { kind: 'get', peer: number, core: number, index: number }
  /** Opens a session the model tracks. */
  | { kind: 'open-session', peer: number, core: number }
  /** Closes the oldest tracked session of the peer on the core. */
  | { kind: 'close-session', peer: number, core: number }
  /** Downloads blocks [start, end). */
  | { kind: 'download', peer: number, core: number, start: number, end: number }
  /** Adds a link between two peers (and brings it up). */
  | { kind: 'replicate', a: number, b: number }
  /** Lets virtual time pass. */
  | { kind: 'advance', ms: number }
  /** Cuts a link. */
  | { kind: 'disconnect', a: number, b: number, durationMs?: number }
  /** Cuts every link between `side` and the rest. */
  | { kind: 'partition', side: number[], durationMs?: number }
  /** Holds every message sent on a link. */
  | { kind: 'stall', a: number, b: number, durationMs?: number }
  /** Lowers a link's bandwidth. */
  | { kind: 'slow', a: number, b: number, bandwidthBytesPerSec: number, durationMs?: number }
  /**
   * Crashes a peer; it restarts after `downMs` if given. With `inflightAppend`, the
   * peer first starts appending to a core it owns and dies while that append is in
   * flight (see `InflightAppend`); without it, it dies with nothing in flight.
   */
  | { kind: 'crash', peer: number, downMs?: number, inflightAppend?: InflightAppend }
  /** Closes a peer cleanly (if up) and reopens it from its folder. */
  | { kind: 'restart', peer: number }
  /**
   * The peer's write batches fail with EIO (`disk-error`) or ENOSPC (`disk-full`) for
   * `durationMs` (until healed if absent), unapplied. A database that had a write fail
   * refuses writes until it reopens, as RocksDB does: when the fault lifts, a peer left
   * so is restarted (closed cleanly and reopened), as its operator would.
   */
  | { kind: 'disk-error' | 'disk-full', peer: number, durationMs?: number }
  /** The peer's next `reads` reads (default 1) fail with EIO, once each. */
  | { kind: 'read-error', peer: number, reads?: number }
  /**
   * One direction of a link fails, from `from` to `to`: its messages are dropped
   * (`drop`: the connection is reset when the fault lifts), held (`stall`) or carried at
   * `bandwidthBytesPerSec` (`slow`, required there). The other direction is untouched.
   */
  | { kind: 'one-way', from: number, to: number, mode: OneWayStepMode, bandwidthBytesPerSec?: number, durationMs?: number }
  /**
   * The peer's app calls `suspend()` on its store, then the peer sleeps for `durationMs`
   * (until the heal if absent): nothing sent or received on its links, no step runs on
   * it (PEER_ASLEEP). Then it wakes: links carry again, and the app calls `resume()`.
   */
  | { kind: 'sleep', peer: number, durationMs?: number }
  /** Lifts every fault and restarts every crashed peer. */
  | { kind: 'heal' }
  /** Runs operation `op` of the simulation's workload on a peer's app, with `args` (plain JSON). */
  | { kind: 'op', peer: number, op: string, args: JsonValue }
  /** Calls a store API feature and checks its oracle (see ApiStep, `features/`). */
  | ApiStep

/** The kinds of step. */
export type StepKind = Step['kind']

/** What a step did, as observed. Identical for any correct store. */
export interface StepResult {
  /** Position in the run (0-based). */
  index: number
  step: Step
  /** Virtual time when the step finished, ms since the run started. */
  atMs: number
  ok: boolean
  /** Error code when not ok: a store's `.code`, or PEER_DOWN, PEER_ASLEEP, NO_SESSION, TIMEOUT, WRONG_BLOCK, ERROR. */
  code?: string
  /** Kind-specific: new length (append), block size (get), open sessions (open-session). */
  value?: number
  /** What a workload operation (`op`) returned. */
  result?: JsonValue
  /** Why a workload operation did no work (`ctx.skip(reason)`); absent when it did. */
  skipped?: string
}

/** Throws a RangeError if a step names a peer or core that does not exist or has bad fields. */
export function checkStep (step: Step, peers: number, cores: number): void {
  const peer = (i: number): void => {
    if (!Number.isInteger(i) || i < 0 || i >= peers) throw new RangeError(`${step.kind}: no peer ${i}`)
  }
  const core = (i: number): void => {
    if (!Number.isInteger(i) || i < 0 || i >= cores) throw new RangeError(`${step.kind}: no core ${i}`)
  }
  const count = (n: number | undefined, what: string, min = 0): void => {
    if (n !== undefined && (!Number.isInteger(n) || n < min)) throw new RangeError(`${step.kind}: bad ${what} ${n}`)
  }
  switch (step.kind) {
    case 'append':
      peer(step.peer); core(step.core); count(step.blocks, 'blocks', 1)
      if (step.closeFirst !== undefined && typeof step.closeFirst !== 'boolean') throw new RangeError('append: closeFirst must be a boolean')
      return
    case 'get': peer(step.peer); core(step.core); count(step.index, 'index'); return
    case 'open-session':
    case 'close-session': peer(step.peer); core(step.core); return
    case 'download': peer(step.peer); core(step.core); count(step.start, 'start'); count(step.end, 'end'); return
    case 'advance': count(step.ms, 'ms'); return
    case 'replicate':
    case 'disconnect':
    case 'stall':
      peer(step.a); peer(step.b)
      if (step.a === step.b) throw new RangeError(`${step.kind}: a link needs two peers`)
      if (step.kind !== 'replicate') count(step.durationMs, 'durationMs')
      return
    case 'slow':
      peer(step.a); peer(step.b); count(step.durationMs, 'durationMs'); count(step.bandwidthBytesPerSec, 'bandwidthBytesPerSec', 1)
      if (step.a === step.b) throw new RangeError('slow: a link needs two peers')
      return
    case 'partition':
      if (!Array.isArray(step.side)) throw new RangeError('partition: side must be an array')
      step.side.forEach(peer); count(step.durationMs, 'durationMs'); return
    case 'crash':
      peer(step.peer); count(step.downMs, 'downMs')
      if (step.inflightAppend !== undefined) {
        const a = step.inflightAppend
        if (typeof a !== 'object' || a === null || a.blocks === undefined || a.afterStorageOps === undefined) {
          throw new RangeError('crash: inflightAppend needs core, blocks and afterStorageOps')
        }
        core(a.core); count(a.blocks, 'inflightAppend.blocks', 1); count(a.afterStorageOps, 'inflightAppend.afterStorageOps')
      }
      return
    case 'restart': peer(step.peer); return
    case 'disk-error':
    case 'disk-full': peer(step.peer); count(step.durationMs, 'durationMs'); return
    case 'read-error': peer(step.peer); count(step.reads, 'reads', 1); return
    case 'one-way':
      peer(step.from); peer(step.to); count(step.durationMs, 'durationMs')
      if (step.from === step.to) throw new RangeError('one-way: a link needs two peers')
      if (!ONE_WAY_MODES.includes(step.mode)) throw new RangeError(`one-way: bad mode ${String(step.mode)} (drop, stall or slow)`)
      if (step.mode === 'slow') count(step.bandwidthBytesPerSec ?? 0, 'bandwidthBytesPerSec', 1)
      else if (step.bandwidthBytesPerSec !== undefined) throw new RangeError(`one-way: bandwidthBytesPerSec is for mode slow, not ${step.mode}`)
      return
    case 'sleep': peer(step.peer); count(step.durationMs, 'durationMs'); return
    case 'heal': return
    case 'op':
      peer(step.peer)
      if (typeof step.op !== 'string' || step.op.length === 0) throw new RangeError('op: op must name an operation')
      if (step.args === undefined) throw new RangeError('op: args must be plain JSON (null for none)')
      return
    case 'api':
      peer(step.peer); count(step.arg, 'arg')
      if (step.core !== undefined) core(step.core)
      if (!isFeatureName(step.feature)) throw new RangeError(`api: unknown feature ${String(step.feature)}`)
      return
    default: {
      // Exhaustive at compile time; at run time a step read from JSON may be anything.
      const unknown: never = step
      throw new RangeError(`unknown step kind ${String((unknown as { kind: unknown }).kind)}`)
    }
  }
}

/** One readable line for a step, e.g. `p2 append c5 x3`. */
export function describeStep (step: Step): string {
  const lasting = (ms: number | undefined): string => ms === undefined ? '' : ` for ${ms}ms`
  switch (step.kind) {
    case 'append': return `p${step.peer} append c${step.core} x${step.blocks}${step.closeFirst === true ? ' (session closed first)' : ''}`
    case 'get': return `p${step.peer} get c${step.core}[${step.index}]`
    case 'open-session': return `p${step.peer} open-session c${step.core}`
    case 'close-session': return `p${step.peer} close-session c${step.core}`
    case 'download': return `p${step.peer} download c${step.core}[${step.start}..${step.end})`
    case 'replicate': return `replicate p${step.a}<->p${step.b}`
    case 'advance': return `advance ${step.ms}ms`
    case 'disconnect': return `disconnect p${step.a}<->p${step.b}${lasting(step.durationMs)}`
    case 'partition': return `partition [${step.side.map((p) => `p${p}`).join(' ')}]${lasting(step.durationMs)}`
    case 'stall': return `stall p${step.a}<->p${step.b}${lasting(step.durationMs)}`
    case 'slow': return `slow p${step.a}<->p${step.b} to ${step.bandwidthBytesPerSec}B/s${lasting(step.durationMs)}`
    case 'crash': {
      const a = step.inflightAppend
      const inflight = a === undefined ? '' : ` mid-append c${a.core} x${a.blocks} after ${a.afterStorageOps} ops`
      return `crash p${step.peer}${inflight}${step.downMs === undefined ? '' : ` down ${step.downMs}ms`}`
    }
    case 'restart': return `restart p${step.peer}`
    case 'disk-error': return `disk-error p${step.peer}${lasting(step.durationMs)}`
    case 'disk-full': return `disk-full p${step.peer}${lasting(step.durationMs)}`
    case 'read-error': return `read-error p${step.peer}${step.reads === undefined ? '' : ` x${step.reads}`}`
    case 'one-way': return `one-way ${step.mode} p${step.from}->p${step.to}${step.mode === 'slow' ? ` to ${step.bandwidthBytesPerSec ?? '?'}B/s` : ''}${lasting(step.durationMs)}`
    case 'sleep': return `sleep p${step.peer}${lasting(step.durationMs)}`
    case 'heal': return 'heal'
    case 'api': return `p${step.peer} api ${step.feature}${step.core === undefined ? '' : ` c${step.core}`}${step.arg === 0 ? '' : ` #${step.arg}`}`
    case 'op': return `p${step.peer} ${step.op}${step.args === null ? '' : ` ${JSON.stringify(step.args)}`}`
  }
}
