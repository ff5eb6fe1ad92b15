import type { Impl, StoreFactory } from './store-impl'

/** One number a case reports, and how to compare it across implementations. */
export interface MetricSpec {
  /** Title of the metric's group in the table, when it is not the case's title. */
  title?: string
  /** Key in the child's JSON output. */
  key: string
  /** Label in the table. */
  label: string
  /** Unit shown after the value, e.g. 'ms', 'µs', 'B', 'x', 'msg/s'. */
  unit: string
  /** Whether a smaller value is the better one (times, bytes) or a larger one (throughput). */
  better: 'lower' | 'higher'
  /** Minimum ratio (>1 means ours is better) the project aims for; null when not compared. */
  target: number | null
  /** Decimals in the table. Default 1. */
  digits?: number
}

/** What a case returns: its metrics by key, or why it could not run. */
export type CaseResult =
  | { metrics: Record<string, number>, notes?: string[] }
  | { unavailable: string }

/** What a case gets from the child process. */
export interface CaseContext {
  impl: Impl
  /** Makes a store of the implementation under test. */
  createStore: StoreFactory
  /** A fresh, empty folder for this run; removed by the orchestrator afterwards. */
  dir: string
}

/** One benchmark case: measured in its own child process, once per implementation per round. */
export interface BenchCase {
  /** Short id, used on the command line (`--case id`). */
  id: string
  /** Title in the table. */
  title: string
  metrics: MetricSpec[]
  /** Extra node flags for the child, e.g. `--expose-gc`. */
  nodeArgs?: string[]
  /** Kill the child after this many milliseconds. */
  timeoutMs: number
  run (ctx: CaseContext): Promise<CaseResult>
}
