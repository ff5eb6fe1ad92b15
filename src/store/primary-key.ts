import crypto from 'hypercore-crypto'
import { STORAGE_CONFLICT } from './errors'
import type { CorestoreStorage } from './types'

/**
 * Reads the primary key stored in `storage`, storing `wanted` (or a random key) if
 * there is none. A `wanted` key that differs from the stored one is refused with
 * STORAGE_CONFLICT, and the storage is left as it was: only an empty one is written.
 */
export async function loadPrimaryKey (storage: CorestoreStorage, wanted: Buffer | null): Promise<Buffer> {
  let stored = await storage.getSeed()
  if (stored === null) stored = await storage.setSeed(wanted ?? crypto.randomBytes(32))
  if (wanted !== null && !stored.equals(wanted)) throw STORAGE_CONFLICT('Another corestore is stored here')
  return stored
}
