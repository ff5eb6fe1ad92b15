import type { Clock } from '../clock/virtual-clock'
import type { Prng } from '../random/prng'
import { OPERATION_KINDS, type OperationKind, type OperationName, type OperationPlan } from './disk-model'
import { isPerfectDisk, type DiskProfile } from './disk-profile'
import { diskError, type WriteFaultCode } from './disk-error'
import { classifyKey, rot, type CorruptTarget } from './corruption'
import { SyncPoints } from './sync-points'


/** What a disk did, for the run's summary. */
export interface DiskStats {
  operations: number
  /** Operations that stalled behind a flush. */
  stalls: number
  /** Write batches failed (never applied). */
  failedWrites: number
  /** Reads failed (results replaced by EIO). */
  failedReads: number
  /** Values read back with a bit flipped (`corrupt-read`). */
  corruptReads: number
  /** Reads of a block that handed the app its rotten copy (hypercore trusts its disk: tolerated, counted). */
  rotServed: number
  /** Replicas that could not follow a writer that read its tree or bitfield rotten (tolerated, counted). */
  rotStuck: number
  /** Cores hypercore closed on this peer after detecting conflicting signatures (tolerated after rotten metadata, counted). */
  conflicts: number
  /** Holders missing blocks a power loss took from their writer before anyone downloaded them (tolerated, counted). */
  powerHoles: number
  /** Acknowledged blocks not yet synced when power was lost: they may be gone (tolerated, counted). */
  unsynced: number
}

/** A `corrupt-read` in force: what it damages, and the key it stuck to (sticky). */
interface Rot {
  target: CorruptTarget
  sticky: boolean
  /** Hex of the key a sticky rot stuck to at its first read; null before. */
  key: string | null
  pointer: number
  /** Index of the record it stuck to (block, tree node or bitfield page); -1 before. */
  index: number
  /** Spent: a one-time rot that flipped its read. */
  spent: boolean
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
 * - bit rot (`corruptReads`): a read of a block, tree node or bitfield page returns it
 *   with a bit flipped, once or for every later read of that key (sticky).
 * Not modelled: torn or partial writes, corruption RocksDB's own checksums would catch
 * (the flip is applied to what RocksDB returned), misdirected writes, slow reads of one file.
 */
export class SimDisk {
  /** Index of the peer whose folder it holds. */
  readonly index: number
  /** The folder (absolute): databases opened under it live on this disk. */
  readonly dir: string
  readonly profile: DiskProfile
  readonly stats: DiskStats = { operations: 0, stalls: 0, failedWrites: 0, failedReads: 0, corruptReads: 0, rotServed: 0, rotStuck: 0, conflicts: 0, powerHoles: 0, unsynced: 0 }
  /** Called when an operation fails by a fault (for the trace). */
  onfail: (kind: 'write' | 'read', code: WriteFaultCode) => void = noop
  /** Called when a rot first flips a read (for the trace): target, data pointer of its core, sticky. */
  onrot: (target: CorruptTarget, pointer: number, sticky: boolean) => void = noop
  private readonly rots: Rot[] = []
  /** Data pointers of the cores whose tree nodes or bitfield pages a rot flipped a read of (ever: the store may have written over it). */
  readonly rottenMeta = new Set<number>()
  /** What the disk has made durable, for `power-loss` (tracked once `sync.start()` ran). */
  readonly sync: SyncPoints
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
    this.sync = new SyncPoints(dir, prng.fork('sync'), clock)
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

  /**
   * Bit rot: the next read that returns a `target` record gets it with a bit flipped
   * (see `rot`); if `sticky`, every later read of that same key does too, until the
   * heal (a rewrite of the key does not cure it: the model is a bad sector the
   * database keeps reading). Nothing on disk changes.
   */
  corruptReads (target: CorruptTarget, sticky: boolean): void {
    this.rots.push({ target, sticky, key: null, pointer: -1, index: -1, spent: false })
  }

  /** True while a rot is armed or stuck (reads then carry their keys to `alterRead`). */
  get rotting (): boolean {
    return this.rots.some((r) => !r.spent)
  }

  /** True if a rot flipped a read since the last heal (the store may hold what it read in memory). */
  get rotted (): boolean {
    return this.rots.some((r) => r.pointer !== -1)
  }

  /** Sticky rots that have stuck to a key: the damage `audit()` should find (data pointer of the core). */
  get damaged (): Array<{ target: CorruptTarget, pointer: number, index: number }> {
    return this.rots.filter((r) => r.sticky && r.key !== null).map((r) => ({ target: r.target, pointer: r.pointer, index: r.index }))
  }

  /**
   * Flips, in place, the values (ArrayBuffers, null when missing) of a read's results
   * whose keys a rot targets. Called when the read is released to the store, in the
   * gate's order, so which read a rot hits is the same in every run.
   */
  alterRead (keys: readonly Uint8Array[], values: unknown[]): void {
    for (let i = 0; i < keys.length; i++) {
      const value = values[i]
      if (!(value instanceof ArrayBuffer) && !ArrayBuffer.isView(value)) continue
      const kind = classifyKey(keys[i] as Uint8Array)
      if (kind === null) continue
      const hex = Buffer.from(keys[i] as Uint8Array).toString('hex')
      const hit = this.rots.find((r) => !r.spent && r.target === kind.target && (r.key === null || r.key === hex))
      if (hit === undefined) continue
      if (hit.key === null && hit.pointer === -1) this.onrot(hit.target, kind.pointer, hit.sticky)
      hit.pointer = kind.pointer
      hit.index = kind.index
      if (hit.sticky) hit.key = hex
      else hit.spent = true
      this.stats.corruptReads++
      if (kind.target !== 'block') this.rottenMeta.add(kind.pointer)
      const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
      const flipped = rot(kind.target, bytes)
      values[i] = flipped.buffer.slice(flipped.byteOffset, flipped.byteOffset + flipped.byteLength)
    }
  }

  /** Ends every fault still armed. */
  liftAll (): void {
    this.writeFaults.clear()
    this.readErrors = 0
    this.rots.length = 0
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
