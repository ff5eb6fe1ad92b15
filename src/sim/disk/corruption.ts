/** What a `corrupt-read` damages: a block, a Merkle tree node, or a bitfield page of a core. */
export type CorruptTarget = 'block' | 'tree' | 'bitfield'

/** Every corruption target, in a fixed order (the generator draws from it). */
export const CORRUPT_TARGETS: readonly CorruptTarget[] = Object.freeze(['block', 'tree', 'bitfield'])

// hypercore-storage 3's key layout (lib/keys.js): UINT(TL_DATA = 4), UINT(data pointer),
// UINT(type), UINT(index)...; UINT is index-encoder's order-preserving varint.
const TL_DATA = 4
const TYPES: Record<number, CorruptTarget> = { 3: 'block', 4: 'tree', 5: 'bitfield' }

/** A data key's target, data pointer (which core's data) and index (block, tree node or page), or null for any other key. */
export function classifyKey (key: Uint8Array): { target: CorruptTarget, pointer: number, index: number } | null {
  if (key.length < 3 || key[0] !== TL_DATA) return null
  const ptr = readUint(key, 1)
  if (ptr === null) return null
  const type = key[ptr.next]
  const target = type === undefined ? undefined : TYPES[type]
  const index = readUint(key, ptr.next + 1)
  return target === undefined || index === null ? null : { target, pointer: ptr.value, index: index.value }
}

function readUint (buf: Uint8Array, at: number): { value: number, next: number } | null {
  const a = buf[at]
  if (a === undefined) return null
  if (a <= 0xfb) return { value: a, next: at + 1 }
  const width = a === 0xfc ? 2 : a === 0xfd ? 4 : 8
  if (at + 1 + width > buf.length) return null
  let value = 0
  for (let i = 1; i <= width; i++) value = value * 256 + (buf[at + i] as number)
  return { value, next: at + 1 + width }
}

/**
 * The bytes a rotten read returns instead of `value`: one bit flipped where it does
 * harm without changing the record's shape. A block's and a tree node's last byte (a
 * tree node ends with its 32-byte hash, so only the hash changes); a bitfield page's
 * first byte, bit 0 (block 0 of the page then looks missing, or present).
 */
export function rot (target: CorruptTarget, value: Uint8Array): Buffer {
  const copy = Buffer.from(value)
  if (copy.length === 0) return copy
  const at = target === 'bitfield' ? 0 : copy.length - 1
  copy[at] = (copy[at] as number) ^ 0x01
  return copy
}

/** True if `got` is exactly `expected` as a rotten read of a block returns it (see `rot`). */
export function isRottenBlock (got: Uint8Array, expected: Uint8Array): boolean {
  return expected.length > 0 && rot('block', expected).equals(got)
}
