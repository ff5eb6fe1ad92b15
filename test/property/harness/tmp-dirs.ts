import fs from 'fs'
import os from 'os'
import path from 'path'

/** A fresh, empty folder for one store; the caller removes it with `removeDir`. */
export function makeDir (label: string): Promise<string> {
  return fs.promises.mkdtemp(path.join(os.tmpdir(), `corestore-prop-${label}-`))
}

/** Removes a folder made by `makeDir`; a missing folder is fine. */
export async function removeDir (dir: string): Promise<void> {
  await fs.promises.rm(dir, { recursive: true, force: true })
}

/**
 * Removes a store's folder after the store closed. Failing here (a file still being
 * written) means close() resolved before the storage was done: a violation, said so.
 */
export async function removeClosedStoreDir (dir: string): Promise<void> {
  try {
    await removeDir(dir)
  } catch (err) {
    throw new Error(`CLOSE: the store folder could not be removed once close() resolved (storage still busy): ${err instanceof Error ? err.message : String(err)}`)
  }
}
