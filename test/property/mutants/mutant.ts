/** Undoes a planted bug. */
export type Restore = () => void

/**
 * The checks of `npm test` that must catch a planted bug: properties (run with npm
 * test's seeds and run counts) and test files (paths under build/test, run with the bug
 * switched on by `preload.js`). Each one listed must fail.
 */
export interface MutantKillers {
  properties?: readonly string[]
  tests?: readonly string[]
}

/**
 * A planted bug: a monkey-patch of the compiled store applied from test code only,
 * never present in src. `apply` switches it on and returns the function that puts
 * the original back.
 */
export interface Mutant {
  /** Short kebab-case name (`--mutant NAME`). */
  name: string
  /** What the bug does, in one line. */
  summary: string
  apply (): Restore
  /** The checks that must kill it; without, every property runs in order until one fails. */
  killers?: MutantKillers
}

/**
 * Replaces `obj[key]` with `make(original)` and returns the restore function. Works for
 * prototype methods and module exports alike (TypeScript's CommonJS output calls
 * exported functions through the exports object, so a patched export is seen).
 */
export function patch<T extends object, K extends keyof T> (obj: T, key: K, make: (original: T[K]) => T[K]): Restore {
  // A patch of a name that is gone (a refactor moved the method) would plant nothing and
  // let every killer "pass": refuse it.
  if (!(key in obj)) throw new Error(`mutant: nothing named ${String(key)} to patch`)
  const had = Object.prototype.hasOwnProperty.call(obj, key)
  const original = obj[key]
  obj[key] = make(original)
  return () => {
    if (had) obj[key] = original
    else delete obj[key]
  }
}

/** Applies several patches as one; restores them in reverse order. */
export function patchAll (...restores: Array<() => Restore>): Restore {
  const done: Restore[] = []
  try {
    for (const r of restores) done.push(r())
  } catch (err) {
    for (const r of done.reverse()) r()
    throw err
  }
  return () => {
    for (const r of done.reverse()) r()
  }
}
