import fs from 'fs'
import type { Fixture } from './interop-fixture'

// A fixture crosses runtimes as a JSON file: buffers as {"$hex": ...}, since Node's and
// Bare's Buffer.toJSON need not agree and JSON.parse would not bring them back anyway.

/** Writes `fixture` to `file` as JSON. */
export function saveFixture (file: string, fixture: Fixture): void {
  fs.writeFileSync(file, JSON.stringify(toPlain(fixture)))
}

/** Reads a fixture saved by `saveFixture`, with its buffers back. */
export function loadFixture (file: string): Fixture {
  return fromPlain(JSON.parse(fs.readFileSync(file, 'utf8'))) as Fixture
}

function toPlain (v: unknown): unknown {
  if (Buffer.isBuffer(v)) return { $hex: v.toString('hex') }
  if (Array.isArray(v)) return v.map(toPlain)
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]))
  return v
}

function fromPlain (v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromPlain)
  if (typeof v !== 'object' || v === null) return v
  const hex = (v as { $hex?: unknown }).$hex
  if (typeof hex === 'string') return Buffer.from(hex, 'hex')
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromPlain(x)]))
}
