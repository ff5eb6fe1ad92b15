import Hypercore = require('hypercore')
import crypto from 'hypercore-crypto'
import { BAD_ARGUMENT } from './errors'
import { deriveKeyPair } from './key-derivation'
import { isSet, type CheckedGetOptions } from './validate'
import type { GetOptions, KeyPair, Manifest } from './types'

/** Everything needed to open (or create) a core: who signs it and where it lives. */
export interface Auth {
  keyPair: KeyPair | null
  key: Buffer | null
  discoveryKey: Buffer
  manifest: Manifest | null
}

/** The parts of a store session that shape a core's auth. */
export interface AuthScope {
  /** Null only before the store is ready; names need it. */
  primaryKey: Buffer | null
  ns: Buffer
  manifestVersion: number
}

/**
 * Works out a core's key pair, manifest, key and discovery key from get()'s options,
 * as upstream does. `storedDiscoveryKey` is set when a name's alias was found in
 * storage: the stored core then decides its own manifest.
 */
export function resolveAuth (scope: AuthScope, storedDiscoveryKey: Buffer | null, opts: GetOptions, ids: CheckedGetOptions): Auth {
  let keyPair: KeyPair | null = null
  if (isSet(opts.name)) {
    if (scope.primaryKey === null) throw BAD_ARGUMENT('A named core needs the store to be ready')
    keyPair = deriveKeyPair(scope.primaryKey, scope.ns, opts.name as string | Buffer)
  } else if (isSet(opts.keyPair)) {
    keyPair = opts.keyPair as KeyPair
  }

  let manifest: Manifest | null = null
  if (isSet(opts.manifest)) manifest = opts.manifest as Manifest
  else if (keyPair !== null && storedDiscoveryKey === null) {
    manifest = { version: scope.manifestVersion, signers: [{ publicKey: keyPair.publicKey }] }
  }

  const key = ids.key ?? (manifest !== null ? Hypercore.key(manifest) : null)
  if (storedDiscoveryKey !== null) return { keyPair, key, manifest, discoveryKey: storedDiscoveryKey }

  const derived = key !== null ? crypto.discoveryKey(key) : null
  if (ids.discoveryKey !== null && derived !== null && !ids.discoveryKey.equals(derived)) {
    throw BAD_ARGUMENT('"discoveryKey" does not match "key"')
  }
  const discoveryKey = ids.discoveryKey ?? derived
  if (discoveryKey === null) throw BAD_ARGUMENT('Could not derive discovery from input')
  return { keyPair, key, manifest, discoveryKey }
}
