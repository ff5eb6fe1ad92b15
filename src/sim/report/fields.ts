// Reading the loosely typed fields of trace lines and steps, whatever their kind.
import { describeStep, type Step } from '../scenario/steps'
import type { FaultBand } from './data'

/** The value if it is an integer, else undefined. */
export function int (v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined
}

/** Peers and cores a step or line names, whatever its kind: fields peer, p, a, b, from, to, side; core, c, inflightAppend.core. */
export function namedIn (o: Record<string, unknown>): { peers: number[], cores: number[] } {
  const peers = [o.peer, o.p, o.a, o.b, o.from, o.to, ...(Array.isArray(o.side) ? o.side : [])].map(int).filter((x): x is number => x !== undefined)
  const nested = typeof o.inflightAppend === 'object' && o.inflightAppend !== null ? (o.inflightAppend as Record<string, unknown>).core : undefined
  const cores = [o.core, o.c, nested].map(int).filter((x): x is number => x !== undefined)
  return { peers: [...new Set(peers)], cores: [...new Set(cores)] }
}

/** Step kinds that are not drawn as marks: faults are bands, the rest acts on links or time. */
export function isFaultStep (kind: string): boolean {
  return ['disconnect', 'partition', 'stall', 'slow', 'crash', 'restart', 'disk-error', 'disk-full', 'read-error', 'heal', 'replicate', 'advance',
    'one-way', 'sleep'].includes(kind)
}

/** describeStep for the kinds this build knows; `pN kind cM field=value...` for others (a newer trace). */
export function describe (s: Record<string, unknown>): string {
  let text: unknown
  try {
    text = describeStep(s as unknown as Step)
  } catch {
    text = undefined
  }
  if (typeof text === 'string') return text
  const { kind, peer, core, ...rest } = s
  const who = typeof peer === 'number' ? `p${peer} ` : ''
  const what = typeof core === 'number' ? ` c${core}` : ''
  return `${who}${String(kind)}${what}${detailOf({ ...rest, ...(typeof peer === 'number' || peer === undefined ? {} : { peer }), ...(typeof core === 'number' || core === undefined ? {} : { core }) }, [])}`
}

/** ` name=value ...` of the fields not in `skip`, cut to a readable length; '' when none. */
export function detailOf (fields: Record<string, unknown>, skip: readonly string[]): string {
  const shown = Object.entries(fields).filter(([k]) => !skip.includes(k))
  if (shown.length === 0) return ''
  const text = shown.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')
  return ` ${text.length > 240 ? text.slice(0, 237) + '...' : text}`
}

/** What a step's result value means, by step kind. */
export function valueText (kind: string, v: number): string {
  if (kind === 'append') return `length ${v}`
  if (kind === 'get') return `${v} B`
  if (kind === 'open-session') return `${v} open`
  return `value ${v}`
}

/** Assigns each fault a row so that bands that overlap on screen never share one; returns the row count. */
export function packRows (faults: FaultBand[], endMs: number): number {
  const minMs = Math.max(1, endMs / 300)
  const rowEnds: number[] = []
  for (const band of faults) {
    let row = rowEnds.findIndex((end) => end <= band.from)
    if (row < 0) row = rowEnds.push(0) - 1
    rowEnds[row] = Math.max(band.to, band.from + minMs)
    band.row = row
  }
  return rowEnds.length
}
