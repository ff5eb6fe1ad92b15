import HypercoreError from 'hypercore-errors'

/**
 * Error codes the store throws. Codes shared with hypercore (`BAD_ARGUMENT`,
 * `STORAGE_EMPTY`, `STORAGE_CONFLICT`) are hypercore-errors instances, so a caller can
 * handle store and core errors alike; only `CORESTORE_CLOSED` is a `CorestoreError`.
 * Match on `err.code`, not on the class.
 */
export type CorestoreErrorCode =
  | 'BAD_ARGUMENT'
  | 'STORAGE_EMPTY'
  | 'STORAGE_CONFLICT'
  | 'CORESTORE_CLOSED'

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
