import type { Step } from '../scenario/steps'

/**
 * Simpler versions of a step, best first: fewer blocks, shorter durations, smaller
 * ranges and indexes, a crash with nothing in flight. Each is strictly simpler, so
 * shrinking by them ends. Every kind of step is listed (a new kind fails to compile
 * here until it says how it gets simpler, or that it does not).
 */
export function simplerSteps (step: Step): Step[] {
  switch (step.kind) {
    case 'append': {
      const out: Step[] = fewer(step.blocks, 1).map((blocks) => ({ ...step, blocks }))
      if (step.closeFirst === true) {
        const { closeFirst: _closeFirst, ...plain } = step
        out.push(plain)
      }
      return out
    }
    case 'get': return fewer(step.index, 0).map((index) => ({ ...step, index }))
    case 'download': {
      const out: Step[] = []
      if (step.end - step.start > 1) out.push({ ...step, end: step.start + 1 })
      if (step.start > 0) out.push({ ...step, start: 0, end: step.end - step.start })
      return out
    }
    case 'advance': return fewer(step.ms, 0).map((ms) => ({ ...step, ms }))
    case 'disconnect':
    case 'stall':
    case 'disk-error':
    case 'disk-full':
    case 'sleep':
      return shorter(step.durationMs).map((durationMs) => ({ ...step, durationMs }))
    case 'one-way': {
      // Shorter, then milder: a drop (which resets the link) becomes a stall, a stall a slow-down.
      const out: Step[] = shorter(step.durationMs).map((durationMs) => ({ ...step, durationMs }))
      const { bandwidthBytesPerSec: _bps, ...rest } = step
      if (step.mode === 'drop') out.push({ ...rest, mode: 'stall' })
      if (step.mode === 'stall') out.push({ ...rest, mode: 'slow', bandwidthBytesPerSec: 200_000 })
      if (step.mode === 'slow' && (step.bandwidthBytesPerSec ?? 0) < 200_000) out.push({ ...step, bandwidthBytesPerSec: 200_000 })
      return out
    }
    case 'read-error': return fewer(step.reads ?? 1, 1).map((reads) => ({ ...step, reads }))
    case 'partition': {
      const out: Step[] = shorter(step.durationMs).map((durationMs) => ({ ...step, durationMs }))
      if (step.side.length > 1) out.push({ ...step, side: step.side.slice(1) }, { ...step, side: step.side.slice(0, -1) })
      return out
    }
    case 'slow': {
      const out: Step[] = shorter(step.durationMs).map((durationMs) => ({ ...step, durationMs }))
      if (step.bandwidthBytesPerSec < 200_000) out.push({ ...step, bandwidthBytesPerSec: 200_000 })
      return out
    }
    case 'crash': {
      const out: Step[] = []
      const { inflightAppend, downMs, ...rest } = step
      if (inflightAppend !== undefined) {
        out.push({ ...rest, ...(downMs === undefined ? {} : { downMs }) })
        for (const blocks of fewer(inflightAppend.blocks, 1)) out.push({ ...step, inflightAppend: { ...inflightAppend, blocks } })
      }
      for (const ms of shorter(downMs)) out.push({ ...step, downMs: ms })
      return out
    }
    case 'open-session':
    case 'close-session':
    case 'replicate':
    case 'restart':
    case 'heal':
    case 'api': // an api step's arg picks what it does, not how much: none is simpler
    case 'op': // a workload operation's arguments are the app's: only the app knows what is simpler
      return []
    default: return unhandled(step)
  }
}

/** `min`, then half of `n`, when smaller than `n`. */
function fewer (n: number, min: number): number[] {
  if (n <= min) return []
  const half = Math.floor(n / 2)
  return half > min ? [min, half] : [min]
}

/** Shorter durations for a fault window: 1 s, then half (none when absent or already short). */
function shorter (ms: number | undefined): number[] {
  if (ms === undefined || ms <= 1000) return []
  const half = Math.floor(ms / 2)
  return half > 1000 ? [1000, half] : [1000]
}

function unhandled (step: never): never {
  throw new RangeError(`unknown step kind ${(step as { kind: unknown }).kind as string}`)
}
