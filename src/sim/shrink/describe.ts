import type { Violation } from '../checks/invariants'
import type { Scenario } from '../scenario/generator'
import { describeStep, type StepResult } from '../scenario/steps'

/** What a step's result adds to its line: `ok`, `ok: length 5`, `failed: TIMEOUT`. */
function outcome (r: StepResult | undefined): string {
  if (r === undefined) return ''
  if (!r.ok) return `failed: ${r.code ?? 'ERROR'}`
  if (r.skipped !== undefined) return `skipped: ${r.skipped}`
  if (r.value === undefined) return 'ok'
  switch (r.step.kind) {
    case 'append': return `ok: length ${r.value}`
    case 'get': return `ok: ${r.value} bytes`
    case 'open-session': return `ok: ${r.value} open`
    default: return `ok: ${r.value}`
  }
}

/** One line for a violation: `[1200 ms] session-count (step 3, peer 1, core 0): detail`. */
export function describeViolation (v: Violation): string {
  const where = [v.step === null ? null : `step ${v.step + 1}`, v.peer === undefined ? null : `p${v.peer}`, v.core === undefined ? null : `c${v.core}`]
    .filter((x) => x !== null).join(', ')
  return `[${v.atMs} ms] ${v.invariant}${where.length > 0 ? ` (${where})` : ''}: ${v.detail}`
}

/**
 * The scenario as numbered, readable lines: who is who (peers, cores with their
 * owners and readers, links made at start), then each step with the virtual time it
 * finished at and what it did (from `results`, when the scenario was run), then the
 * violations. Steps are numbered from 1, as `describeViolation` names them.
 */
export function formatScenario (s: Scenario, results: readonly StepResult[] = [], violations: readonly Violation[] = []): string[] {
  const lines: string[] = []
  const cores = s.cores.map((c, i) => `c${i} (${c.name}, written by p${c.owner}${(s.readers[i] ?? []).length > 0 ? `, read by ${(s.readers[i] ?? []).map((p) => `p${p}`).join(' ')}` : ''})`)
  lines.push(`seed ${s.seed}: ${s.peers} peer${s.peers === 1 ? '' : 's'}, ${s.cores.length} core${s.cores.length === 1 ? '' : 's'}, ${s.steps.length} step${s.steps.length === 1 ? '' : 's'}, fault phase ${s.durationMs} ms`)
  if (cores.length > 0) lines.push(`  cores: ${cores.join('; ')}`)
  lines.push(`  links at start: ${s.links.length === 0 ? 'none' : s.links.map(([a, b]) => `p${a}<->p${b}`).join(' ')}`)
  const width = String(s.steps.length).length
  const texts = s.steps.map(describeStep)
  const textWidth = Math.max(0, ...texts.map((t) => t.length))
  s.steps.forEach((step, i) => {
    const r = results[i]
    const at = r === undefined ? '' : `${(r.atMs / 1000).toFixed(3)} s`
    lines.push(`  ${String(i + 1).padStart(width)}. ${at.padStart(11)}  ${(texts[i] as string).padEnd(textWidth)}  ${outcome(r)}`.trimEnd())
  })
  if (violations.length > 0) {
    lines.push('  violations:')
    for (const v of violations.slice(0, 10)) lines.push(`    ${describeViolation(v)}`)
    if (violations.length > 10) lines.push(`    ... and ${violations.length - 10} more`)
  }
  return lines
}
