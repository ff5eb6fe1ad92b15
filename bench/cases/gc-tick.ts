import { performance } from 'perf_hooks'
import type Hypercore from 'hypercore'
import FakeTimers from '@sinonjs/fake-timers'
import type { BenchCase } from '../case'
import type { BenchStore } from '../store-impl'
import { closeAll, openNamed, withTimeout } from '../fixtures'

type Clock = ReturnType<typeof FakeTimers.install>

const IDLE_CORES = 10_000
/** Cores of the first, virtual-time pass; it also warms the GC and fake-timer code. */
const VIRTUAL_CORES = 1000
/** Both stores check every 2000 ms by default (upstream: fixed). */
const INTERVAL_MS = 2000
/** Virtual step when timing last close to collected: the resolution of that metric. */
const STEP_MS = 10
const MAX_TICKS = 10

// Hypercore gives every core a 20-40 s "not downloading" linger timer when its last
// active session closes. Under fake timers each clock.tick scans every pending timer,
// so 10,000 of them would bury the GC's own cost under fake-timer bookkeeping, for
// both stores alike. A zero linger leaves the GC interval as the only timer.
const GET_OPTS = { notDownloadingLinger: 0 }

interface Tick { wallUs: number, cpuUs: number, collecting: boolean }

/**
 * Idle-core GC: the cost of one GC tick over 10,000 idle cores (ticks that collect
 * nothing, and the tick that collects them all), and the virtual time from the last
 * session close until GC has closed every core.
 */
export const gcTickCase: BenchCase = {
  id: 'gc',
  title: `GC over ${IDLE_CORES / 1000}k idle cores`,
  metrics: [
    { key: 'idleTickUs', label: 'tick collecting nothing (wall)', unit: 'µs', better: 'lower', target: 1.5 },
    { key: 'idleTickCpuUs', label: 'tick collecting nothing (process CPU)', unit: 'µs', better: 'lower', target: null },
    { key: 'collectTickMs', label: 'tick collecting all (wall)', unit: 'ms', better: 'lower', target: 1.5, digits: 2 },
    { key: 'collectDoneMs', label: 'collect tick to all closed (real)', unit: 'ms', better: 'lower', target: 1.0 },
    { key: 'virtualMs', label: 'last close to all collected (virtual)', unit: 'ms', better: 'lower', target: 1.0, digits: 0 }
  ],
  timeoutMs: 120_000,
  async run ({ createStore, dir }) {
    const store = createStore(dir)
    await store.ready()
    const notes: string[] = []

    // First pass: virtual time to collection. It also warms the GC and fake-timer
    // code, so the measured ticks below are not first calls.
    const virtualMs = await idleThenCollect(store, await openNamed(store, VIRTUAL_CORES, 'virtual-', GET_OPTS), STEP_MS)

    const sessions = await openNamed(store, IDLE_CORES, 'idle-', GET_OPTS)
    const clock = installClock()
    const ticks: Tick[] = []
    let collectDoneMs = NaN
    try {
      await closeAll(sessions)
      if (clock.countTimers() !== 1) notes.push(`${clock.countTimers()} fake timers pending after idling`)
      while (ticks.length < MAX_TICKS) {
        const tick = measureTick(store, clock, INTERVAL_MS)
        ticks.push(tick)
        if (tick.collecting) break
      }
      const start = performance.now()
      await withTimeout(drained(store), 60_000, 'GC close of idle cores')
      collectDoneMs = performance.now() - start
    } finally {
      clock.uninstall()
    }
    const idle = ticks.filter((t) => !t.collecting)
    const collect = ticks.find((t) => t.collecting)
    if (collect === undefined || idle.length === 0) throw new Error(`GC never collected in ${MAX_TICKS} ticks`)

    await store.close()
    return {
      metrics: {
        idleTickUs: mean(idle.map((t) => t.wallUs)),
        idleTickCpuUs: mean(idle.map((t) => t.cpuUs)),
        collectTickMs: collect.wallUs / 1000,
        collectDoneMs,
        virtualMs
      },
      notes
    }
  }
}

function installClock (): Clock {
  return FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
}

/** Runs one synchronous clock.tick; `collecting` is true if GC began closing cores in it. */
function measureTick (store: BenchStore, clock: Clock, ms: number): Tick {
  const cpu = process.cpuUsage()
  const start = performance.now()
  clock.tick(ms)
  const wallUs = (performance.now() - start) * 1000
  const used = process.cpuUsage(cpu)
  return { wallUs, cpuUs: used.user + used.system, collecting: liveCount(store) < store.cores.size }
}

/**
 * Closes the sessions under a fake clock, advances it `stepMs` at a time until GC has
 * closed every core, waits for the closes, and returns the virtual time it took.
 */
async function idleThenCollect (store: BenchStore, sessions: Hypercore[], stepMs: number): Promise<number> {
  const clock = installClock()
  try {
    await closeAll(sessions)
    const startMs = clock.now
    while (liveCount(store) > 0) {
      if (clock.now - startMs > 60_000) throw new Error('GC did not collect within 60 virtual seconds')
      clock.tick(stepMs)
    }
    const virtualMs = clock.now - startMs
    await withTimeout(drained(store), 60_000, 'GC close of idle cores')
    return virtualMs
  } finally {
    clock.uninstall()
  }
}

/** Cores that are open and not closing: both stores' trackers iterate exactly those. */
function liveCount (store: BenchStore): number {
  let n = 0
  for (const _core of store.cores) n++
  return n
}

/** Resolves once GC has closed every core and dropped it from the store. */
async function drained (store: BenchStore): Promise<void> {
  while (store.cores.size > 0) await new Promise((resolve) => setImmediate(resolve))
}

function mean (values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length
}
