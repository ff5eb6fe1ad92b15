import Hypercore = require('hypercore')
import { BAD_ARGUMENT } from './errors'
import type { Core, CorestoreStorage, Manifest } from './types'

/**
 * Stores a frozen copy of a core: a manifest with no signers whose prologue pins the
 * current length and root hash, sharing the original's data. Returns the new key.
 */
export async function createStaticCore (storage: CorestoreStorage, core: Core): Promise<Buffer> {
  const state = core.state
  if (state === null) throw BAD_ARGUMENT('Core is not open')
  const rx = state.storage.read()
  const headPromise = rx.getHead()
  const authPromise = rx.getAuth()
  rx.tryFlush()
  const [head, auth] = await Promise.all([headPromise, authPromise])
  if (head === null || head.length === 0) throw BAD_ARGUMENT('Core must have data')
  const manifest: Manifest = {
    version: 1,
    hash: auth?.manifest.hash,
    quorum: 0,
    signers: [],
    prologue: { length: head.length, hash: head.rootHash }
  }
  const key = Hypercore.key(manifest)
  await storage.createCore({ key, discoveryKey: Hypercore.discoveryKey(key), manifest, core: state.storage.core })
  return key
}
