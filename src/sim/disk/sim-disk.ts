import type { Clock } from '../clock/virtual-clock'
import type { Prng } from '../random/prng'
import { OPERATION_KINDS, type OperationKind, type OperationName, type OperationPlan } from './disk-model'
import { isPerfectDisk, type DiskProfile } from './disk-profile'
import { diskError, type WriteFaultCode } from './disk-error'


/** What a disk did, for the run's summary. */
export interface DiskStats {
  operations: number
  /** Operations that stalled behind a flush. */
  stalls: number
  /** Write batches failed (never applied). */
  failedWrites: number
  /** Reads failed (results replaced by EIO). */
  failedReads: number
}


/**
 * The simulated disk under one peer's folder: the fake of the real disk RocksDB writes
 * to, as rocksdb-native reports it (timing, and errors coded like its own). Latency
 * follows the peer's `DiskProfile` (a queue: operations finish in submission order).
 * Faults:
 * - a write fault (`failWrites`): while it lasts, every write batch fails with EIO or
 *   ENOSPC and is not applied. Like real RocksDB after a failed write-ahead-log
 *   append (test/integration/disk-full.test.ts shows it on a full tmpfs), the database
 *   then refuses every later write batch with the same error, also after the fault
 *   lifts, until it is closed and opened again (`readOnly`). Reads still work;
 * - read errors (`failReads`): the next `n` reads (read batches, iterator opens and
 *   steps) fail with EIO, once each; nothing sticks.
 * Not modelled: torn or partial writes, data lost or corrupted after a write was
 * acknowledged (power loss, a lying fsync), latent sector errors, slow reads of one file.
 */
export class SimDisk {
  /** Index of the peer whose folder it holds. */
  readonly index: number
  /** The folder (absolute): databases opened under it live on this disk. */
  readonly dir: string
  readonly profile: DiskProfile
  readonly stats: DiskStats = { operations: 0, stalls: 0, failedWrites: 0, failedReads: 0 }
  /** Called when an operation fails by a fault (for the trace). */
  onfail: (kind: 'write' | 'read', code: WriteFaultCode) => void = noop
  private readonly prng: Prng
  private readonly clock: Clock
  /** True when the profile never delays anything (every operation completes at once). */
  readonly perfect: boolean
  private tailMs = 0
  private quiet = 0
  /** Write faults in force, by id; the latest one decides the code. */
  private readonly writeFaults = new Map<number, WriteFaultCode>()
  private faultIds = 0
  private readErrors = 0
  private current: object | null = null
  private readonly broken = new WeakMap<object, WriteFaultCode>()

  constructor (index: number, dir: string, profile: DiskProfile, prng: Prng, clock: Clock) {
    this.index = index
    this.dir = dir
    this.profile = profile
    this.prng = prng
    this.clock = clock
    this.perfect = isPerfectDisk(profile)
  }

  /** True if the open database refuses writes since a write failed (until it reopens). */
  get readOnly (): boolean {
    return this.current !== null && this.broken.has(this.current)
  }

  /** The write fault in force, if any. */
  get failingWrites (): WriteFaultCode | null {
    let code: WriteFaultCode | null = null
    for (const c of this.writeFaults.values()) code = c
    return code
  }

  /** Reads still to fail. */
  get failingReads (): number {
    return this.readErrors
  }

  /** Write batches fail with `code` from now until `liftWrites(id)` with the id returned. */
  failWrites (code: WriteFaultCode): number {
    const id = ++this.faultIds
    this.writeFaults.set(id, code)
    return id
  }

  /** Ends one write fault (a database already refusing writes goes on refusing them). */
  liftWrites (id: number): void {
    this.writeFaults.delete(id)
  }

  /** The next `n` reads fail with EIO. */
  failReads (n: number): void {
    this.readErrors += n
  }

  /** Ends every fault still armed. */
  liftAll (): void {
    this.writeFaults.clear()
    this.readErrors = 0
  }

  /**
   * While quiet, operations complete at once: the peer's store is opening, closing or
   * crashing, which the scheduler waits for without moving virtual time.
   */
  enterQuiet (): void {
    this.quiet++
    this.tailMs = 0
  }

  leaveQuiet (): void {
    this.quiet--
  }

  /** Decides when an operation completes and whether it fails (see DiskModel.plan). */
  plan (name: OperationName, db: object): OperationPlan {
    const kind = OPERATION_KINDS[name]
    this.stats.operations++
    if (name === 'open') this.current = db
    return { dueMs: this.dueMs(kind), error: this.failure(kind, db) }
  }

  private failure (kind: OperationKind, db: object): Error | null {
    if (kind === 'write') {
      const code = this.broken.get(db) ?? this.failingWrites
      if (code === null) return null
      this.broken.set(db, code)
      this.stats.failedWrites++
      this.onfail('write', code)
      return diskError(code, `While appending to file: ${this.dir} (simulated)`)
    }
    if (kind === 'read' && this.readErrors > 0) {
      this.readErrors--
      this.stats.failedReads++
      this.onfail('read', 'EIO')
      return diskError('EIO', `While reading a block of ${this.dir} (simulated)`)
    }
    return null
  }

  private dueMs (kind: OperationKind): number {
    const now = this.clock.now()
    if (this.perfect || this.quiet > 0) return now
    const p = this.profile
    let service = (kind === 'write' ? p.writeLatencyMs : p.readLatencyMs) + (p.jitterMs > 0 ? this.prng.int(0, p.jitterMs) : 0)
    if (p.stallProbability > 0 && p.stallMsMax > 0 && this.prng.chance(p.stallProbability)) {
      this.stats.stalls++
      service += this.prng.int(Math.ceil(p.stallMsMax / 10), p.stallMsMax)
    }
    this.tailMs = Math.max(now, this.tailMs) + service
    return this.tailMs
  }
}


function noop (): void {}
