import tmp from 'test-tmp'
import Corestore from '../../src'
import type { CorestoreOptions } from '../../src/store/types'

/** The slice of a brittle test that helpers need. */
export interface Teardown {
  teardown (fn: () => unknown, opts?: { order?: number }): void
}

/** A fresh store over a new temporary folder, closed when the test ends. */
export async function create (t: Teardown, opts: CorestoreOptions = {}): Promise<Corestore> {
  const dir = await tmp(t)
  const store = new Corestore(dir, opts)
  t.teardown(() => store.close())
  return store
}

/** A temporary folder removed when the test ends. */
export function tmpDir (t: Teardown): Promise<string> {
  return tmp(t)
}
