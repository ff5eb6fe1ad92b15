import fs from 'fs'
import path from 'path'
import type { Clock } from '../clock/virtual-clock'
import type { Prng } from '../random/prng'

/** Virtual ms between two flushes of the OS's cache, drawn per interval (Linux writes back dirty pages after 30 s). */
const SYNC_MS_MIN = 1000
const SYNC_MS_MAX = 30_000

/**
 * hypercore-storage's device file: written once when the folder is made, and checked by
 * inode and extended attribute at every open (a copy would read as "moved unsafely").
 * It is never rewritten, so it stays as it is; everything else goes back.
 */
const KEPT = new Set(['CORESTORE'])

/**
 * What one peer's disk has made durable, for `power-loss`. rocksdb-native appends a
 * write batch to RocksDB's log without an fsync, so what survives a power loss is what
 * the OS flushed: here, the folder as it was at the last sync point, drawn from the
 * seed every 1-30 s of virtual time. No binding call takes a RocksDB checkpoint, so the
 * folder itself is copied: lazily, just before the first write batch handed to RocksDB
 * after a sync point (the folder is then exactly as it was at that point: nothing was
 * written in between), at idle, when the gate runs no other write. A power loss puts
 * the copy back after the crash closed the database.
 * Not modelled: a partial flush (some files, or a torn page), RocksDB's own
 * recovery of a torn log tail; the copy is taken while RocksDB's background threads
 * may run (a memtable flush or compaction mid-copy would tear it; the runs' data is
 * far below the write buffer size).
 */
export class SyncPoints {
  /** Where the last synced state of the folder is kept (beside it, outside every peer's folder). */
  readonly copy: string
  /** Called at each sync point taken (the peer's model marks what was acknowledged by then). */
  onsync: () => void = noop
  private readonly dir: string
  private readonly prng: Prng
  private readonly clock: Clock
  /** Virtual time of the next sync point; -1 while not tracking. */
  private nextMs = -1

  constructor (dir: string, prng: Prng, clock: Clock) {
    this.dir = dir
    this.copy = `${dir}.synced`
    this.prng = prng
    this.clock = clock
  }

  /** True once `start` ran. */
  get tracking (): boolean {
    return this.nextMs !== -1
  }

  /** Starts tracking: the folder as it is now is durable (the world was built and synced). */
  start (): void {
    if (this.tracking) return
    this.take()
    this.nextMs = this.clock.now() + this.prng.int(SYNC_MS_MIN, SYNC_MS_MAX)
  }

  /** A write batch is about to reach RocksDB: a sync point passed since the last one is taken first. */
  beforeWrite (): void {
    if (!this.tracking || this.clock.now() < this.nextMs) return
    this.take()
    this.advance()
  }

  /**
   * Power is lost (the database is closed): the folder goes back to the last sync point.
   * Returns false when a sync point passed since the last write (nothing is lost).
   */
  restore (): boolean {
    if (!this.tracking) return false
    if (this.clock.now() >= this.nextMs) {
      this.take()
      this.advance()
      return false
    }
    copyEntries(this.copy, this.dir)
    return true
  }

  private take (): void {
    copyEntries(this.dir, this.copy)
    this.onsync()
  }

  private advance (): void {
    const now = this.clock.now()
    while (this.nextMs <= now) this.nextMs += this.prng.int(SYNC_MS_MIN, SYNC_MS_MAX)
  }
}

/** Makes `to` hold what `from` holds (`KEPT` files aside, left as they are in `to`). */
function copyEntries (from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true })
  for (const name of fs.readdirSync(to)) if (!KEPT.has(name)) fs.rmSync(path.join(to, name), { recursive: true, force: true })
  if (!fs.existsSync(from)) return
  for (const name of fs.readdirSync(from).sort()) {
    if (!KEPT.has(name)) fs.cpSync(path.join(from, name), path.join(to, name), { recursive: true })
  }
}

function noop (): void {}
