import sodium from 'sodium-universal'
import crypto from 'hypercore-crypto'
import type { KeyPair } from './types'

// The namespace tag corestore mixes into every seed. Changing it changes every key.
const [CORESTORE_NS] = crypto.namespace('corestore', 1) as [Buffer]

/** The namespace of a root store: 32 zero bytes, as upstream corestore uses. */
export const DEFAULT_NAMESPACE: Buffer = Buffer.alloc(32)

function toBuffer (name: string | Uint8Array): Buffer {
  if (typeof name === 'string') return Buffer.from(name)
  return Buffer.isBuffer(name) ? name : Buffer.from(name.buffer, name.byteOffset, name.byteLength)
}

/** Derives the namespace of `parent.namespace(name)`: BLAKE2b(parent || name). */
export function deriveNamespace (parent: Buffer, name: string | Uint8Array): Buffer {
  const out = Buffer.allocUnsafeSlow(32)
  sodium.crypto_generichash_batch(out, [parent, toBuffer(name)])
  return out
}

/** Derives the 32-byte signing seed of a named core, keyed by the primary key. */
export function deriveSeed (primaryKey: Buffer, namespace: Buffer, name: string | Uint8Array): Buffer {
  const out = Buffer.alloc(32)
  sodium.crypto_generichash_batch(out, [CORESTORE_NS, namespace, toBuffer(name)], primaryKey)
  return out
}

/** Derives the ed25519 key pair of a named core, byte-identical to upstream corestore. */
export function deriveKeyPair (primaryKey: Buffer, namespace: Buffer, name: string | Uint8Array): KeyPair {
  const seed = deriveSeed(primaryKey, namespace, name)
  const pkBytes = sodium.crypto_sign_PUBLICKEYBYTES
  // One allocation for both halves, as upstream does, so the pair stays contiguous.
  const buf = Buffer.alloc(pkBytes + sodium.crypto_sign_SECRETKEYBYTES)
  const publicKey = buf.subarray(0, pkBytes)
  const secretKey = buf.subarray(pkBytes)
  sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed)
  return { publicKey, secretKey }
}
