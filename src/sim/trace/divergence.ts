import { firstDifference, parseTraceLine, type TraceEvent } from './trace'

/** One run's side of a divergence: its trace lines and, if recorded, the stack of each line. */
export interface DivergenceSide {
  lines: readonly string[]
  /** Line index → stack (from a trace's `stacksFile`); empty if none was recorded. */
  stacks: ReadonlyMap<number, string>
}

/** Where and why two runs of one seed went apart. */
export interface Divergence {
  /** 0-based index of the first differing line. */
  line: number
  /** Virtual time of the first differing event. */
  atMs: number
  /** The step running then (the last `step` line before it, same in both runs), or null before the first step. */
  step: { index: number, spec: unknown } | null
  /** Peers the differing events name (a delivery names both ends), in order. */
  peers: number[]
  /** Each run's differing line (null: that trace ended) and the stack that produced it (null: not recorded). */
  a: { line: string | null, stack: string | null }
  b: { line: string | null, stack: string | null }
}

/** Parses a stacks file (JSONL `{ i, s }`) into line index → stack. */
export function parseStacks (text: string): Map<number, string> {
  const stacks = new Map<number, string>()
  for (const row of text.split('\n')) {
    if (row.length === 0) continue
    const { i, s } = JSON.parse(row) as { i: number, s: string }
    stacks.set(i, s)
  }
  return stacks
}

/** The first difference between two runs, with its step, peers and stacks; null if the runs are equal. */
export function findDivergence (a: DivergenceSide, b: DivergenceSide): Divergence | null {
  const diff = firstDifference(a.lines, b.lines)
  if (diff === null) return null
  return {
    line: diff.line,
    atMs: diff.atMs,
    step: stepAt(a.lines, diff.line),
    peers: namedPeers(diff.a, diff.b, stepAt(a.lines, diff.line)),
    a: { line: diff.a, stack: a.stacks.get(diff.line) ?? null },
    b: { line: diff.b, stack: b.stacks.get(diff.line) ?? null }
  }
}

/** The divergence as the lines the CLI prints: where, which step and peers, then both runs side by side. */
export function formatDivergence (d: Divergence, width = 72): string[] {
  const out = [`determinism: traces differ at line ${d.line + 1}, virtual time ${d.atMs} ms`]
  out.push(`  step:  ${d.step === null ? 'before the first step (setup)' : `${d.step.index + 1}: ${JSON.stringify(d.step.spec)}`}`)
  out.push(`  peers: ${d.peers.length === 0 ? '(none named)' : d.peers.join(', ')}`)
  out.push(`  run 1: ${d.a.line ?? '(end of trace)'}`)
  out.push(`  run 2: ${d.b.line ?? '(end of trace)'}`)
  const hint = hintFor(d)
  if (hint !== null) out.push(`  hint:  ${hint}`)
  if (d.a.stack === null && d.b.stack === null) return out
  out.push('  stacks that produced them (run 1 | run 2):')
  const left = (d.a.stack ?? '(not recorded)').split('\n')
  const right = (d.b.stack ?? '(not recorded)').split('\n')
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    out.push(`    ${fit(left[i] ?? '', width)} | ${fit(right[i] ?? '', width)}`)
  }
  return out
}

/** What a kind of difference usually means, where the stacks alone would not say. */
function hintFor (d: Divergence): string | null {
  const kind = (d.a.line ?? d.b.line ?? '').match(/"k":"([^"]+)"/)?.[1]
  if (kind === 'res') return 'the step\'s own result differs: what it computes, or what it read, depends on something outside the seed'
  if (kind === 'd') return 'a message differs: the stacks are of the writes that sent each'
  return null
}

function fit (s: string, width: number): string {
  if (s.length <= width) return s.padEnd(width)
  // The end of a frame (file:line:column) says more than its start.
  return '…' + s.slice(s.length - width + 1)
}

function stepAt (lines: readonly string[], line: number): Divergence['step'] {
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const l = lines[i] as string
    if (!l.includes('"k":"step"')) continue
    const e = parseTraceLine(l)
    if (e.k === 'step') return { index: Number(e.i), spec: e.s }
  }
  return null
}

/** The peers the two lines name; if neither names one, the step's peer. */
function namedPeers (a: string | null, b: string | null, step: Divergence['step']): number[] {
  const named = [...new Set([...peersOf(a), ...peersOf(b)])]
  if (named.length > 0 || step === null) return named
  const peer = (step.spec as { peer?: unknown } | null)?.peer
  return typeof peer === 'number' ? [peer] : []
}

function peersOf (line: string | null): number[] {
  if (line === null) return []
  const e: TraceEvent = parseTraceLine(line)
  if (typeof e.l === 'string') return e.l.split(/[>-]/).map(Number).filter(Number.isInteger)
  for (const key of ['p', 'peer', 'owner']) if (typeof e[key] === 'number') return [e[key]]
  return []
}
