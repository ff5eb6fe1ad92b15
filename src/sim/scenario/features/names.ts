/**
 * Store API features a scenario can exercise with `api` steps, in a fixed order (the
 * order they are drawn in: a new one goes last so older seeds draw as before).
 */
export const FEATURE_NAMES = Object.freeze([
  'namespace', 'sessions', 'closed', 'keys', 'list', 'get-options', 'watch', 'suspend',
  'finding-peers', 'groups', 'close', 'serve'
] as const)

/**
 * Features run only when asked for (`--features`), never drawn by default, and why: a
 * default fuzz must not cry wolf. `serve`: convergence failures after it (autobase seed 15,
 * the default scenario's seed 4 while it was built) have no owner yet; the shrinker drifts
 * on them (it drops the reader's link to the owner).
 */
export const OPT_IN_FEATURES: Readonly<Partial<Record<FeatureName, string>>> = Object.freeze({
  serve: 'convergence failures after a serve step have no owner yet'
})

/** One store API feature (see FEATURE_NAMES). */
export type FeatureName = typeof FEATURE_NAMES[number]

/** True when `name` is a feature name. */
export function isFeatureName (name: unknown): name is FeatureName {
  return typeof name === 'string' && (FEATURE_NAMES as readonly string[]).includes(name)
}

/**
 * A call of the store API with an oracle (`features/`): `feature` on peer `peer`,
 * about catalog core `core` for features that use one, `arg` a small feature-specific
 * choice (which name, which option), 0 or more.
 */
export interface ApiStep {
  kind: 'api'
  peer: number
  feature: FeatureName
  core?: number
  arg: number
}
