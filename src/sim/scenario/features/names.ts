/**
 * Store API features a scenario can exercise with `api` steps, in a fixed order (the
 * order they are drawn in: a new one goes last so older seeds draw as before).
 */
export const FEATURE_NAMES = Object.freeze([
  'namespace', 'sessions', 'closed', 'keys', 'list', 'get-options', 'watch', 'suspend',
  'finding-peers', 'groups', 'close', 'serve'
] as const)

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
