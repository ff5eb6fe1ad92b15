import ID from 'hypercore-id-encoding'
import { BAD_ARGUMENT } from './errors'
import type { GetOptions, KeyInput, KeyPair } from './types'

// Checks shared by the store's constructor and get(). Each throws BAD_ARGUMENT
// synchronously, before the store reads or writes anything.

type Bag = Record<string, unknown>

/** True for a Buffer or any other Uint8Array (Bare and b4a users pass those). */
export function isBytes (v: unknown): v is Uint8Array {
  return v instanceof Uint8Array
}

/** A Buffer view of the same bytes (no copy); Buffers are returned as they are. */
export function asBuffer (v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)
}

/** Throws unless `value` is undefined, null or a boolean. */
export function optionalBoolean (opts: Bag, name: string): void {
  const v = opts[name]
  if (v !== undefined && v !== null && typeof v !== 'boolean') {
    throw BAD_ARGUMENT(`Option "${name}" must be a boolean, got ${describe(v)}`)
  }
}

/** Throws unless the option is absent or a finite number in [min, max]. */
export function optionalNumber (opts: Bag, name: string, min: number, max = Number.MAX_SAFE_INTEGER, integer = false): void {
  const v = opts[name]
  if (v === undefined || v === null) return
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw BAD_ARGUMENT(`Option "${name}" must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${describe(v)}`)
  }
}

/** Throws unless the option is absent or a buffer of exactly `length` bytes. */
export function optionalBuffer (opts: Bag, name: string, length: number): void {
  const v = opts[name]
  if (v === undefined || v === null) return
  if (!isBytes(v) || v.byteLength !== length) {
    throw BAD_ARGUMENT(`Option "${name}" must be a ${length}-byte buffer, got ${describe(v)}`)
  }
}

/** Decodes a 32-byte id given as a buffer, hex or z32; BAD_ARGUMENT otherwise. */
export function decodeId (value: unknown, name: string): Buffer {
  if (!isBytes(value) && typeof value !== 'string') {
    throw BAD_ARGUMENT(`"${name}" must be a 32-byte buffer or a hex/z32 string, got ${describe(value)}`)
  }
  try {
    return asBuffer(ID.decode(typeof value === 'string' ? value : asBuffer(value)))
  } catch {
    throw BAD_ARGUMENT(`"${name}" is not a valid 32-byte key (${describe(value)})`)
  }
}

/** Validates a key pair as get() and createKeyPair users pass it. */
export function validateKeyPair (keyPair: unknown): asserts keyPair is KeyPair {
  if (typeof keyPair !== 'object' || keyPair === null) {
    throw BAD_ARGUMENT(`"keyPair" must be an object, got ${describe(keyPair)}`)
  }
  const { publicKey, secretKey } = keyPair as Bag
  if (!isBytes(publicKey) || publicKey.byteLength !== 32) {
    throw BAD_ARGUMENT('"keyPair.publicKey" must be a 32-byte buffer')
  }
  if (secretKey !== null && secretKey !== undefined && (!isBytes(secretKey) || secretKey.byteLength !== 64)) {
    throw BAD_ARGUMENT('"keyPair.secretKey" must be a 64-byte buffer or null')
  }
}

/** Validates a core name: a string or a buffer. */
export function validateName (name: unknown): asserts name is string | Uint8Array {
  if (typeof name !== 'string' && !isBytes(name)) {
    throw BAD_ARGUMENT(`"name" must be a string or a buffer, got ${describe(name)}`)
  }
}

/** What get() learns from validating its options: decoded ids, ready to use. */
export interface CheckedGetOptions {
  key: Buffer | null
  discoveryKey: Buffer | null
}

const GET_BOOLEANS = new Set(['exclusive', 'writable', 'active', 'pushOnly', 'allowPush', 'allowLatestBlock', 'wait',
  'draft', 'createIfMissing', 'overwrite', 'force', 'legacy', 'allowFork', 'isBlockKey'])

/** get()'s options, normalised, with the ids decoded. */
export interface CheckedGet extends CheckedGetOptions {
  opts: GetOptions
}

/** Normalises get()'s argument and validates every option it interprets. */
export function checkGetOptions (input: unknown): CheckedGet {
  let opts: GetOptions
  if (input === undefined || input === null) opts = {}
  else if (isBytes(input) || typeof input === 'string') opts = { key: input as KeyInput }
  else if (typeof input === 'object') opts = input as GetOptions
  else throw BAD_ARGUMENT(`get() takes a key or an options object, got ${describe(input)}`)

  // Only the options present are looked at: get() is a hot path (session churn).
  for (const name in opts) {
    if (GET_BOOLEANS.has(name)) optionalBoolean(opts, name)
    else if (name === 'timeout') optionalNumber(opts, 'timeout', 0, 2 ** 31 - 1)
    else if (name === 'name') checkName(opts.name)
    else if (name === 'keyPair') {
      if (opts.keyPair !== undefined && opts.keyPair !== null) validateKeyPair(opts.keyPair)
    } else if (name === 'manifest') {
      if (opts.manifest !== undefined && opts.manifest !== null && typeof opts.manifest !== 'object') {
        throw BAD_ARGUMENT(`"manifest" must be an object, got ${describe(opts.manifest)}`)
      }
    } else if (name === 'group') optionalBuffer(opts, 'group', 32)
  }

  // Key pairs and groups given as plain Uint8Arrays are copied into Buffer views once,
  // so the rest of the store (and hypercore) can rely on Buffer methods.
  if (needsBufferViews(opts)) opts = withBufferViews(opts)
  const key = isSet(opts.key) ? decodeId(opts.key, 'key') : null
  const discoveryKey = isSet(opts.discoveryKey) ? decodeId(opts.discoveryKey, 'discoveryKey') : null
  return { opts, key, discoveryKey }
}

function needsBufferViews (opts: GetOptions): boolean {
  const kp = opts.keyPair
  return (isBytes(opts.group) && !Buffer.isBuffer(opts.group)) ||
    (kp !== undefined && kp !== null && (!Buffer.isBuffer(kp.publicKey) || (isBytes(kp.secretKey) && !Buffer.isBuffer(kp.secretKey))))
}

function withBufferViews (opts: GetOptions): GetOptions {
  const out: GetOptions = { ...opts }
  if (isBytes(opts.group)) out.group = asBuffer(opts.group)
  const kp = opts.keyPair
  if (kp !== undefined && kp !== null) {
    out.keyPair = { publicKey: asBuffer(kp.publicKey), secretKey: isBytes(kp.secretKey) ? asBuffer(kp.secretKey) : null }
  }
  return out
}

function checkName (name: unknown): void {
  if (name === undefined || name === null) return
  validateName(name)
  // hypercore-storage stores the alias as a string: a buffer name throws an uncaught
  // TypeError inside its write batch (upstream crashes the process). Refuse it here.
  if (typeof name !== 'string') throw BAD_ARGUMENT('"name" of get() must be a string; buffers work for createKeyPair() and namespace()')
}

/** Upstream treats '' and other falsy values as "not given"; so do we. */
export function isSet (v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && v !== false && v !== 0
}

function describe (v: unknown): string {
  if (isBytes(v)) return `a ${v.byteLength}-byte buffer`
  if (typeof v === 'string') return v.length > 20 ? `a string of ${v.length} characters` : JSON.stringify(v)
  if (v === null) return 'null'
  return typeof v
}
