/**
 * The rocksdb-native binding calls the storage gate stands between, by what they do to
 * a disk. Every one completes through a callback the gate holds.
 */
export const OPERATION_KINDS = Object.freeze({
  open: 'other',
  close: 'other',
  read: 'read',
  write: 'write',
  flush: 'other',
  suspend: 'other',
  resume: 'other',
  compact: 'other',
  compactRange: 'other',
  approximateSize: 'other',
  currentWalFile: 'other',
  iteratorOpen: 'read',
  iteratorRead: 'read',
  iteratorClose: 'other'
} as const)

/** A binding call the gate holds. */
export type OperationName = keyof typeof OPERATION_KINDS

/** What an operation does to its disk: reads, write batches, and the rest (open, close, flush). */
export type OperationKind = (typeof OPERATION_KINDS)[OperationName]

/** The model's decision about one operation, made when it is submitted. */
export interface OperationPlan {
  /** Virtual time (ms since the epoch) at which it completes; at most now means at once. */
  dueMs: number
  /**
   * The error it fails with, or null. A failed write is never handed to RocksDB; a
   * failed read runs and its result is replaced by the error.
   */
  error: Error | null
}

/**
 * What the storage gate asks of the simulated disks: which disk a database lives on,
 * and, for each operation, when it completes and whether it fails. Asked in submission
 * order, so a model drawing from a seeded generator gives the same answers every run.
 */
export interface DiskModel {
  /** The disk of a database folder (absolute path), asked when it opens; -1: none (a perfect disk). */
  diskOf (dbPath: string): number
  /** Plans one operation on disk `disk`, of the database whose native handle is `db`. */
  plan (disk: number, name: OperationName, db: object): OperationPlan
  /** A write batch of disk `disk` is about to reach RocksDB (at its turn, no other write running). */
  beforeWrite? (disk: number): void
  /** True if reads of disk `disk` may come back altered (asked at submission: the gate then keeps their keys). */
  rotting? (disk: number): boolean
  /** Alters, in place, the values a read of disk `disk` returns for `keys` (asked at release, in the gate's order). */
  alterRead? (disk: number, keys: readonly Uint8Array[], values: unknown[]): void
}

/** The arguments RocksDB would pass a failed operation's callback. */
export function failedResult (name: OperationName, args: unknown[], error: Error): unknown[] {
  switch (name) {
    case 'read': {
      // One error per get of the batch; each get's promise rejects with its own.
      const ops = Array.isArray(args[2]) ? args[2].length : 0
      return [Array.from({ length: ops }, () => error), Array.from({ length: ops }, () => null)]
    }
    case 'iteratorRead': return [error, [], []]
    default: return [error]
  }
}
