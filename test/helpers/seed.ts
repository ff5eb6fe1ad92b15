import Corestore from '../../src'
import type { CorestoreOptions } from '../../src/store/types'
import { tmpDir, type Teardown } from './create'

/** A store folder holding one named core, written and closed, so nothing of it is open. */
export interface Seeded {
  dir: string
  key: Buffer
  discoveryKey: Buffer
}

/** Writes `blocks` to the core `name` in a new folder and closes the store. */
export async function seedFolder (t: Teardown, name: string, blocks: string[]): Promise<Seeded> {
  const dir = await tmpDir(t)
  const store = new Corestore(dir)
  const core = store.get({ name })
  await core.append(blocks.map((b) => Buffer.from(b)))
  const seeded = { dir, key: core.key as Buffer, discoveryKey: core.discoveryKey as Buffer }
  await core.close()
  await store.close()
  return seeded
}

/** Writes `blocks` to another named core in a store folder (closed after), returning its keys. */
export async function addCore (dir: string, name: string, blocks: string[]): Promise<Omit<Seeded, 'dir'>> {
  const store = new Corestore(dir)
  const core = store.get({ name })
  await core.append(blocks.map((b) => Buffer.from(b)))
  const keys = { key: core.key as Buffer, discoveryKey: core.discoveryKey as Buffer }
  await core.close()
  await store.close()
  return keys
}

/** Opens a store on a seeded folder, closed when the test ends. */
export function reopen (t: Teardown, seeded: Seeded, opts: CorestoreOptions = {}): Corestore {
  const store = new Corestore(seeded.dir, opts)
  t.teardown(() => store.close())
  return store
}
