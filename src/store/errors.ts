import HypercoreError from 'hypercore-errors'

/**
 * Error codes the store throws. Codes shared with hypercore (`BAD_ARGUMENT`,
 * `STORAGE_EMPTY`, `STORAGE_CONFLICT`) are hypercore-errors instances, so a caller can
 * handle store and core errors alike; `CORESTORE_CLOSED` and `STORAGE_LOCKED` are
 * `CorestoreError`s.
 * Match on `err.code`, not on the class.
 */
export type CorestoreErrorCode =
  | 'BAD_ARGUMENT'
  | 'STORAGE_EMPTY'
  | 'STORAGE_CONFLICT'
  | 'CORESTORE_CLOSED'
  | 'STORAGE_LOCKED'

/** An error with a stable `code`, shaped like hypercore's (message `CODE: text`). */
export class CorestoreError extends Error {
  /** The stable code; match on this, not on the message. */
  readonly code: CorestoreErrorCode

  constructor (code: CorestoreErrorCode, msg: string) {
    super(`${code}: ${msg}`)
    this.name = 'CorestoreError'
    this.code = code
  }
}

/** Bad input: wrong type or length of a key, name or option. */
export function BAD_ARGUMENT (msg: string): Error {
  return HypercoreError.BAD_ARGUMENT(msg)
}

/** Nothing is stored under the discovery key asked for. */
export function STORAGE_EMPTY (msg: string): Error {
  return HypercoreError.STORAGE_EMPTY(msg)
}

/** The storage belongs to another primary key. */
export function STORAGE_CONFLICT (msg: string): Error {
  return HypercoreError.STORAGE_CONFLICT(msg)
}

/** The store, or its root, is closing or closed. */
export function CORESTORE_CLOSED (): Error {
  return new CorestoreError('CORESTORE_CLOSED', 'Corestore is closed')
}

/**
 * Another store (in this process or another) holds the folder open. hypercore-storage
 * reports it as an uncoded "File descriptor could not be locked" (the CORESTORE lock
 * file) or, with `allowBackup`, RocksDB's own LOCK error.
 */
export function STORAGE_LOCKED (folder: string, cause: unknown): Error {
  const why = cause instanceof Error ? cause.message : String(cause)
  const err = new CorestoreError('STORAGE_LOCKED', `another store holds ${folder} open (${why})`)
  err.cause = cause
  return err
}

/** True for the storage's "the folder is locked by someone else" errors. */
export function isLockError (err: unknown): boolean {
  const msg = err instanceof Error ? err.message : ''
  return msg === 'File descriptor could not be locked' || /[\\/]LOCK: /.test(msg)
}
