import nodeCrypto from 'crypto'
import path from 'path'
import { xoroshiro128plus, type RandomGenerator } from 'pure-rand/generator/xoroshiro128plus'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { mixSeed } from './prng'

type Fn = (...args: never[]) => unknown
type Patchable = Record<string, unknown>

/** The sodium-native calls that draw from the system's entropy and what replaces each. */
const SODIUM_KEYPAIRS = {
  crypto_sign_keypair: 'crypto_sign_seed_keypair',
  crypto_kx_keypair: 'crypto_kx_seed_keypair',
  crypto_box_keypair: 'crypto_box_seed_keypair'
} as const

/**
 * Routes every draw from the system's entropy that a corestore app can reach to a seeded
 * generator while installed: sodium-native's `randombytes_*` and key-pair generators
 * (secret-stream's static and ephemeral Noise keys, hypercore-crypto's `randomBytes` and
 * `keyPair()`), and node's `crypto.randomBytes`, `randomFillSync`, `randomUUID` and
 * `getRandomValues`. A new key pair is made from a seed drawn here
 * (`crypto_sign_seed_keypair`), so it is a real key pair.
 *
 * Like MathRandomRoute, the generator is reseeded at every epoch from (seed, epoch), so the
 * draws of one event never depend on how many earlier events made. Callers that copied a
 * function out of the module before install (`const { randombytes_buf } = require(...)`)
 * keep the real one: none of the packages a corestore app runs on does that for these.
 */
export class CryptoRandomRoute {
  /** The seed all epoch generators derive from. */
  readonly seed: number
  /** Bytes drawn while installed. */
  bytes = 0
  private epochNumber = 0
  private gen: RandomGenerator | null = null
  private restore: Array<() => void> | null = null

  constructor (seed: number) {
    this.seed = seed >>> 0
  }

  /** Starts epoch `n`: the next draw comes from a generator seeded by (seed, n). */
  begin (n: number): void {
    this.epochNumber = n
    this.gen = null
  }

  /** Fills `buf` (any typed array view) with seeded bytes. */
  fill (buf: NodeJS.ArrayBufferView): void {
    if (this.gen === null) this.gen = xoroshiro128plus(mixSeed(this.seed ^ 0x5eed, this.epochNumber))
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
    for (let i = 0; i < bytes.length; i += 4) {
      const word = uniformInt(this.gen, 0, 0xffffffff)
      for (let j = 0; j < 4 && i + j < bytes.length; j++) bytes[i + j] = (word >>> (8 * j)) & 0xff
    }
    this.bytes += bytes.length
  }

  /** Replaces the functions (see the class comment); idempotent. */
  install (): void {
    if (this.restore !== null) return
    const restore: Array<() => void> = []
    for (const sodium of sodiumModules()) this.routeSodium(sodium, restore)
    this.routeNodeCrypto(restore)
    this.restore = restore
  }

  /** Restores every replaced function. */
  uninstall (): void {
    if (this.restore === null) return
    for (const undo of this.restore.reverse()) undo()
    this.restore = null
  }

  private routeSodium (sodium: Patchable, restore: Array<() => void>): void {
    const fill = (buf: NodeJS.ArrayBufferView): void => { this.fill(buf) }
    const word = (): number => {
      const b = new Uint32Array(1)
      fill(b)
      return b[0] as number
    }
    replace(sodium, 'randombytes_buf', () => fill, restore)
    replace(sodium, 'randombytes_random', () => word, restore)
    replace(sodium, 'randombytes_uniform', () => (upper: number) => word() % upper, restore)
    for (const [name, seeded] of Object.entries(SODIUM_KEYPAIRS)) {
      const fromSeed = sodium[seeded]
      if (typeof fromSeed !== 'function') continue
      replace(sodium, name, () => (pk: Uint8Array, sk: Uint8Array) => {
        const seed = new Uint8Array(32)
        fill(seed)
        return (fromSeed as Fn).call(sodium, ...([pk, sk, seed] as never[]))
      }, restore)
    }
  }

  private routeNodeCrypto (restore: Array<() => void>): void {
    const fill = (buf: NodeJS.ArrayBufferView): void => { this.fill(buf) }
    const target = nodeCrypto as unknown as Patchable
    replace(target, 'randomBytes', () => (size: number, cb?: (err: Error | null, buf: Buffer) => void) => {
      const buf = Buffer.alloc(size)
      fill(buf)
      if (typeof cb !== 'function') return buf
      process.nextTick(cb, null, buf)
      return undefined
    }, restore)
    replace(target, 'randomFillSync', () => (buf: NodeJS.ArrayBufferView, offset = 0, size?: number) => {
      const view = new Uint8Array(buf.buffer, buf.byteOffset + offset, size ?? buf.byteLength - offset)
      fill(view)
      return buf
    }, restore)
    const getRandomValues = <T extends NodeJS.ArrayBufferView>(buf: T): T => { fill(buf); return buf }
    replace(target, 'getRandomValues', () => getRandomValues, restore)
    replace(target, 'randomUUID', () => () => {
      const b = Buffer.alloc(16)
      fill(b)
      b[6] = ((b[6] as number) & 0x0f) | 0x40
      b[8] = ((b[8] as number) & 0x3f) | 0x80
      const h = b.toString('hex')
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
    }, restore)
    const web = (globalThis as unknown as { crypto?: Patchable }).crypto
    if (web !== undefined) replace(web, 'getRandomValues', () => getRandomValues, restore)
  }
}

/**
 * Sets `obj[name]` to `make()` if it is a function now; records how to undo it. A method
 * inherited from a prototype (web crypto's) is shadowed by an own property, deleted after.
 */
function replace (obj: Patchable, name: string, make: () => unknown, restore: Array<() => void>): void {
  if (typeof obj[name] !== 'function') return
  const desc = Object.getOwnPropertyDescriptor(obj, name)
  try {
    if (desc === undefined) Object.defineProperty(obj, name, { value: make(), configurable: true, writable: true })
    else Object.defineProperty(obj, name, { ...desc, ...('value' in desc ? { value: make() } : { get: make }) })
  } catch {
    return // frozen or non-configurable: that caller keeps real entropy
  }
  restore.push(() => {
    if (desc === undefined) Reflect.deleteProperty(obj, name)
    else Object.defineProperty(obj, name, desc)
  })
}

/** Every sodium-native module loaded in this process, plus the one resolvable from here. */
function sodiumModules (): Patchable[] {
  const files = new Set<string>()
  try {
    files.add(require.resolve('sodium-native'))
  } catch {
    // Not resolvable from here: only copies already loaded are routed.
  }
  for (const file of Object.keys(require.cache)) {
    if (/[\\/]sodium-native[\\/]index\.js$/.test(file)) files.add(path.resolve(file))
  }
  return [...files].map((file) => require(file) as Patchable)
}
