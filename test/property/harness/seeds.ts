/** Base of the fixed seeds `npm test` uses; PROPERTY_SEED overrides it. */
export const CI_BASE_SEED = 20250501

/** FNV-1a over the parts, as a signed 32-bit integer (fast-check seeds are 32-bit). */
export function deriveSeed (...parts: Array<string | number>): number {
  let h = 0x811c9dc5
  for (const ch of parts.join('/')) {
    h ^= ch.charCodeAt(0)
    h = Math.imul(h, 0x01000193)
  }
  return h | 0
}

function envInt (name: string): number | null {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return null
  const n = Number(raw)
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`)
  return n
}

/** The seed `npm test` runs a property with: fixed per property, or from PROPERTY_SEED. */
export function ciSeed (property: string): number {
  return deriveSeed(envInt('PROPERTY_SEED') ?? CI_BASE_SEED, property)
}

/** Runs per property in `npm test`: the property's budget, or PROPERTY_RUNS. */
export function ciRuns (defaultRuns: number): number {
  return envInt('PROPERTY_RUNS') ?? defaultRuns
}
