import process from 'process'
/** Base of the fixed seeds `npm test` uses: each property's seed is derived from it and the property's name. */
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

/**
 * The seed a property runs with in `npm test`: PROPERTY_SEED as is if set (so the seed
 * a run printed is the one to pass back), else the property's fixed CI seed.
 */
export function ciSeed (property: string): number {
  return envInt('PROPERTY_SEED') ?? deriveSeed(CI_BASE_SEED, property)
}

/** Runs per property in `npm test`: the property's budget, or PROPERTY_RUNS. */
export function ciRuns (defaultRuns: number): number {
  return envInt('PROPERTY_RUNS') ?? defaultRuns
}

/** How to rerun a property with exactly this seed and run count: the variables to set, or one command. */
export function rerunHint (property: string, seed: number, runs: number): string {
  return `rerun: PROPERTY_SEED=${seed} PROPERTY_RUNS=${runs} npm run test:property, or npm run replay -- --property ${property} --seed ${seed} --runs ${runs}`
}
