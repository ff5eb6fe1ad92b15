import path from 'path'
import type { Clock } from '../clock/virtual-clock'
import type { DiskModel, OperationName, OperationPlan } from './disk-model'
import type { DiskProfile } from './disk-profile'
import type { Prng } from '../random/prng'
import { SimDisk, type DiskStats } from './sim-disk'
import type { StorageGate } from './storage-gate'

/** What `SimDisks` needs: the clock operations are timed on, and the gate that holds them. */
export interface SimDisksDeps {
  clock: Clock
  gate: StorageGate
  /** The generator of disk `i` (forked by name, so disks draw independently). */
  prng: (i: number) => Prng
}

/**
 * Every peer's disk, as the storage gate's `DiskModel`: a database belongs to the disk
 * whose folder holds it; operations outside every peer's folder get a perfect disk.
 */
export class SimDisks implements DiskModel {
  /** One per peer, by peer index. */
  readonly disks: SimDisk[]
  private readonly gate: StorageGate

  /** `dirs[i]` and `profiles[i]` are peer i's folder and disk profile (checked by the caller). */
  constructor (deps: SimDisksDeps, dirs: readonly string[], profiles: readonly DiskProfile[]) {
    this.gate = deps.gate
    this.disks = dirs.map((dir, i) => new SimDisk(i, path.resolve(dir), profiles[i] as DiskProfile, deps.prng(i), deps.clock))
  }

  /** Peer i's disk. */
  get (i: number): SimDisk {
    const disk = this.disks[i]
    if (disk === undefined) throw new RangeError(`no disk ${i}`)
    return disk
  }

  diskOf (dbPath: string): number {
    for (const disk of this.disks) {
      if (dbPath === disk.dir || dbPath.startsWith(disk.dir + path.sep)) return disk.index
    }
    return -1
  }

  plan (disk: number, name: OperationName, db: object): OperationPlan {
    return this.get(disk).plan(name, db)
  }

  beforeWrite (disk: number): void {
    this.get(disk).sync.beforeWrite()
  }

  /** Starts tracking sync points on every disk (for `power-loss`): what is on disk now is durable. */
  trackDurability (): void {
    for (const disk of this.disks) disk.sync.start()
  }

  rotting (disk: number): boolean {
    return this.get(disk).rotting
  }

  alterRead (disk: number, keys: readonly Uint8Array[], values: unknown[]): void {
    this.get(disk).alterRead(keys, values)
  }

  /**
   * Runs `work` (a store opening, closing or crashing on disk i) with that disk quiet:
   * its held operations and new ones complete at once, because the scheduler waits for
   * such work without moving time (it locks the folder through calls it cannot see).
   */
  quiet<T> (i: number, work: () => Promise<T>): Promise<T> {
    const disk = this.get(i)
    disk.enterQuiet()
    this.gate.expedite(i)
    let running: Promise<T>
    try {
      running = work()
    } catch (err) {
      disk.leaveQuiet()
      throw err
    }
    const leave = (): void => disk.leaveQuiet()
    running.then(leave, leave)
    return running
  }

  /** Ends every disk fault (a database refusing writes goes on until it reopens). */
  liftAll (): void {
    for (const disk of this.disks) disk.liftAll()
  }

  /** Totals over every disk. */
  stats (): DiskStats {
    const out: DiskStats = { operations: 0, stalls: 0, failedWrites: 0, failedReads: 0, corruptReads: 0, rotServed: 0, rotStuck: 0, conflicts: 0, powerHoles: 0, unsynced: 0 }
    for (const { stats } of this.disks) {
      out.operations += stats.operations
      out.stalls += stats.stalls
      out.failedWrites += stats.failedWrites
      out.failedReads += stats.failedReads
      out.corruptReads += stats.corruptReads
      out.rotServed += stats.rotServed
      out.rotStuck += stats.rotStuck
      out.conflicts += stats.conflicts
      out.powerHoles += stats.powerHoles
      out.unsynced += stats.unsynced
    }
    return out
  }
}
