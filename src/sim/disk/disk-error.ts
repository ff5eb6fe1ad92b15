/** The error a failing write batch gets: an I/O error, or a full disk. */
export type WriteFaultCode = 'EIO' | 'ENOSPC'

/** Codes of the errors a disk reports (libuv's names, as rocksdb-native gives them). */
export const DISK_ERROR_CODES: readonly string[] = Object.freeze(['EIO', 'ENOSPC'])

const MESSAGES: Record<WriteFaultCode, string> = { EIO: 'Input/output error', ENOSPC: 'No space left on device' }

/** An error shaped like rocksdb-native's: `code` is libuv's name for the errno. */
export function diskError (code: WriteFaultCode, where: string): Error {
  return Object.assign(new Error(`${where}: ${MESSAGES[code]}`), { code })
}

/**
 * The disk's error code behind an error, or null: its own `code`, or that of its
 * `cause` chain. rocksdb-native rejects a failed write batch with an uncoded
 * `Error('Batch was not applied')` whose `cause` is the coded disk error; that cause is
 * what a user acts on (free space, replace the disk, restart).
 */
export function diskErrorCode (err: unknown): string | null {
  let e = err
  for (let depth = 0; depth < 8 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && DISK_ERROR_CODES.includes(code)) return code
    e = (e as { cause?: unknown }).cause
  }
  return null
}
