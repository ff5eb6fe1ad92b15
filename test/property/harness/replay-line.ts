/** Everything that pins down one scenario: enough to replay it from one command. */
export interface ReplayTarget {
  property: string
  seed: number
  /** fast-check's counterexample path; null replays from the seed (and shrinks again). */
  path: string | null
  /** fast-check's `fc.commands` replay path, needed with `path` for model-based scenarios. */
  replayPath: string | null
  /** The planted bug that was switched on, if any. */
  mutant: string | null
}

function quote (s: string): string {
  return /^[\w:.,/+=-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`
}

/** The one command that reproduces a scenario. */
export function replayLine (t: ReplayTarget): string {
  const parts = ['npm run replay --', '--property', t.property, '--seed', String(t.seed)]
  if (t.path !== null) parts.push('--path', quote(t.path))
  if (t.replayPath !== null) parts.push('--replay-path', quote(t.replayPath))
  if (t.mutant !== null) parts.push('--mutant', t.mutant)
  return parts.join(' ')
}

/** Parses `--name value` pairs (and bare `--flag`s) of a command line. */
export function parseFlags (argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(arg)}`)
    const eq = arg.indexOf('=')
    if (eq !== -1) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1))
      continue
    }
    const next = argv[i + 1]
    if (next === undefined || next.startsWith('--')) flags.set(arg.slice(2), 'true')
    else {
      flags.set(arg.slice(2), next)
      i++
    }
  }
  return flags
}

/** An integer flag, or the fallback; throws on garbage. */
export function intFlag (flags: Map<string, string>, name: string, fallback: number): number {
  const raw = flags.get(name)
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer, got ${JSON.stringify(raw)}`)
  return n
}
