import type { BenchCase } from '../case'
import { openNamed } from '../fixtures'
import { gcMetrics, measureGcTicks, measureVirtualCollect } from '../idle/gc-tick'
import { measureMemory, memoryMetrics } from '../idle/memory'

const COUNT = 10_000
/** Cores of the first, virtual-time pass; it also warms the GC and fake-timer code. */
const VIRTUAL_CORES = 1000

// Hypercore gives every core a 20-40 s "not downloading" linger timer when its last
// active session closes. Under fake timers each clock.tick scans every pending timer,
// so 10,000 of them would bury the GC's own cost under fake-timer bookkeeping, for
// both stores alike. A zero linger leaves the GC interval as the only timer.
const GET_OPTS = { notDownloadingLinger: 0 }

/**
 * 10,000 open cores, then idle: the memory each open core costs, the CPU cost of one
 * GC tick over them (collecting nothing, then collecting all), and the virtual time
 * from the last close until GC has closed them. One case because opening 10,000 cores
 * is most of the cost of both measurements, and the bench must stay under 5 minutes.
 */
export const idleCoresCase: BenchCase = {
  id: 'idle',
  title: `${COUNT / 1000}k open, then idle cores`,
  metrics: [
    ...memoryMetrics(`memory per open core (${COUNT / 1000}k open)`),
    ...gcMetrics(`GC over ${COUNT / 1000}k idle cores`)
  ],
  // gc() for the memory baseline and before each measured GC tick.
  nodeArgs: ['--expose-gc'],
  timeoutMs: 180_000,
  async run ({ createStore, dir }) {
    const store = createStore(dir)
    await store.ready()

    // First: virtual time to collection. It also warms the GC and fake-timer code, so
    // the measured ticks are not first calls, and leaves the code and caches every core
    // shares out of the memory measurement.
    const virtualMs = await measureVirtualCollect(store, await openNamed(store, VIRTUAL_CORES, 'virtual-', GET_OPTS))

    const { sessions, heapB, rssB } = await measureMemory(COUNT, () => openNamed(store, COUNT, 'idle-', GET_OPTS))
    const { notes, ...ticks } = await measureGcTicks(store, sessions)

    await store.close()
    return { metrics: { heapB, rssB, ...ticks, virtualMs }, notes }
  }
}
