import type { BenchCase } from '../case'
import { closeAll, openNamed } from '../fixtures'

const COUNT = 10_000

/** Heap and RSS growth per open core after 10,000 named opens, measured after full GCs. */
export const memoryCase: BenchCase = {
  id: 'memory',
  title: `memory per open core (${COUNT / 1000}k open)`,
  metrics: [
    { key: 'heapB', label: 'heap per core', unit: 'B', better: 'lower', target: 1.0, digits: 0 },
    { key: 'rssB', label: 'RSS per core', unit: 'B', better: 'lower', target: 1.0, digits: 0 }
  ],
  nodeArgs: ['--expose-gc'],
  timeoutMs: 120_000,
  async run ({ createStore, dir }) {
    const collect = globalThis.gc
    if (collect === undefined) throw new Error('The memory case needs node --expose-gc')
    const store = createStore(dir)
    await store.ready()
    // One core first, so code and storage caches that every core shares are in the baseline.
    await closeAll(await openNamed(store, 1, 'baseline-'))

    collect()
    collect()
    const before = process.memoryUsage()
    const sessions = await openNamed(store, COUNT, 'mem-')
    collect()
    collect()
    const after = process.memoryUsage()

    await closeAll(sessions)
    await store.close()
    return {
      metrics: {
        heapB: (after.heapUsed - before.heapUsed) / COUNT,
        rssB: (after.rss - before.rss) / COUNT
      }
    }
  }
}
