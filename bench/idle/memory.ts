import type Hypercore from 'hypercore'
import type { MetricSpec } from '../case'

/** The memory metrics; the title groups them in the table. */
export function memoryMetrics (title: string): MetricSpec[] {
  return [
    { title, key: 'heapB', label: 'heap per core', unit: 'B', better: 'lower', target: 1.0, digits: 0 },
    { title, key: 'rssB', label: 'RSS per core', unit: 'B', better: 'lower', target: 1.0, digits: 0 }
  ]
}

/** Heap and RSS growth per core, in bytes. */
export interface MemoryPerCore {
  heapB: number
  rssB: number
}

/**
 * Runs `open` (which opens `count` cores and keeps them open) between two pairs of
 * full GCs and returns the growth of the heap and of the RSS per core.
 * Needs node --expose-gc.
 */
export async function measureMemory (count: number, open: () => Promise<Hypercore[]>): Promise<{ sessions: Hypercore[] } & MemoryPerCore> {
  const collect = globalThis.gc
  if (collect === undefined) throw new Error('Measuring memory needs node --expose-gc')
  collect()
  collect()
  const before = process.memoryUsage()
  const sessions = await open()
  collect()
  collect()
  const after = process.memoryUsage()
  return {
    sessions,
    heapB: (after.heapUsed - before.heapUsed) / count,
    rssB: (after.rss - before.rss) / count
  }
}
