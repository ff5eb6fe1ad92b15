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
