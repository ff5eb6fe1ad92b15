import type { BenchCase, MetricSpec } from './case'
import type { ChildOutput } from './child'
import type { MachineInfo } from './machine'
import type { Impl } from './store-impl'
import { median, ratio, relativeMad } from './stats'

/** The samples of one metric for one implementation, summarised. */
export interface Summary {
  median: number
  /** Median absolute deviation over the median (a fraction). */
  relativeMad: number
  samples: number[]
}

/** One metric of one case, both implementations side by side. */
export interface MetricResult extends MetricSpec {
  ours: Summary | null
  upstream: Summary | null
  /** >1 means ours is better; null when only one implementation ran. */
  ratio: number | null
  /** Whether the ratio reaches the target; null when there is no target or no ratio. */
  met: boolean | null
}

/** One case of a run. */
export interface CaseReport {
  id: string
  title: string
  /** Why the case did not run, per implementation. */
  unavailable: Partial<Record<Impl, string>>
  notes: string[]
  metrics: MetricResult[]
}

/** Everything bench/results.json holds. */
export interface BenchReport {
  date: string
  /** The command line that produced the report. */
  command: string
  rounds: number
  method: string
  upstream: string
  machine: MachineInfo
  totalSeconds: number
  cases: CaseReport[]
}

/** Summarises the outputs of every child of one case. */
export function reportCase (bench: BenchCase, outputs: ChildOutput[]): CaseReport {
  const unavailable: Partial<Record<Impl, string>> = {}
  const notes = new Set<string>()
  const samples: Record<Impl, Map<string, number[]>> = { ours: new Map(), upstream: new Map() }
  for (const out of outputs) {
    const impl = out.impl as Impl
    if ('unavailable' in out) {
      unavailable[impl] = out.unavailable
      continue
    }
    for (const note of out.notes ?? []) notes.add(`${impl}: ${note}`)
    for (const [key, value] of Object.entries(out.metrics)) {
      const list = samples[impl].get(key) ?? []
      list.push(value)
      samples[impl].set(key, list)
    }
  }
  const metrics = bench.metrics.map((spec): MetricResult => {
    const ours = summarise(samples.ours.get(spec.key))
    const upstream = summarise(samples.upstream.get(spec.key))
    const r = ours !== null && upstream !== null ? ratio(ours.median, upstream.median, spec.better) : NaN
    const known = Number.isFinite(r) ? r : null
    return {
      ...spec,
      ours,
      upstream,
      ratio: known,
      met: known === null || spec.target === null ? null : known >= spec.target
    }
  })
  return { id: bench.id, title: bench.title, unavailable, notes: [...notes], metrics }
}

function summarise (values: number[] | undefined): Summary | null {
  if (values === undefined || values.length === 0) return null
  return { median: median(values), relativeMad: relativeMad(values), samples: values }
}
