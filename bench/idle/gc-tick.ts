import { performance } from 'perf_hooks'
import type Hypercore from 'hypercore'
import FakeTimers from '@sinonjs/fake-timers'
import type { MetricSpec } from '../case'
import type { BenchStore } from '../store-impl'
import { closeAll, withTimeout } from '../fixtures'

type Clock = ReturnType<typeof FakeTimers.install>

/** Both stores check every 2000 ms by default (upstream: fixed). */
const INTERVAL_MS = 2000
/** Virtual step when timing last close to collected: the resolution of that metric. */
const STEP_MS = 10
const MAX_TICKS = 10

/** The idle-core GC metrics; the title groups them in the table. */
export function gcMetrics (title: string): MetricSpec[] {
  return [
    { title, key: 'idleTickUs', label: 'tick collecting nothing (wall)', unit: 'µs', better: 'lower', target: 1.5 },
    { title, key: 'idleTickCpuUs', label: 'tick collecting nothing (process CPU)', unit: 'µs', better: 'lower', target: null },
    { title, key: 'collectTickMs', label: 'tick collecting all (wall)', unit: 'ms', better: 'lower', target: 1.5, digits: 2 },
    { title, key: 'collectDoneMs', label: 'collect tick to all closed (real)', unit: 'ms', better: 'lower', target: 1.0 },
    { title, key: 'virtualMs', label: 'last close to all collected (virtual)', unit: 'ms', better: 'lower', target: 1.0, digits: 0 }
  ]
}

interface Tick { wallUs: number, cpuUs: number, collecting: boolean }

/** What measureGcTicks found. */
export interface GcTicks {
  /** Mean wall and process CPU time of the ticks before the collecting one, µs. */
  idleTickUs: number
  idleTickCpuUs: number
  /** Wall time of the tick that began closing every core, ms. */
  collectTickMs: number
  /** Real time from that tick until every core was closed and dropped, ms. */
  collectDoneMs: number
  notes: string[]
}

/**
 * Closes every session under a fake clock (so every core goes idle at virtual time 0),
 * then runs the GC interval one tick at a time, measuring each synchronous tick, until
 * GC begins closing the cores; then waits (real time) until they are all closed.
 */
export async function measureGcTicks (store: BenchStore, sessions: Hypercore[]): Promise<GcTicks> {
  const notes: string[] = []
  const clock = installClock()
  const ticks: Tick[] = []
  let collectDoneMs = NaN
  try {
    await closeAll(sessions)
    if (clock.countTimers() !== 1) notes.push(`${clock.countTimers()} fake timers pending after idling`)
    while (ticks.length < MAX_TICKS) {
      const tick = measureTick(store, clock)
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
  return {
    idleTickUs: mean(idle.map((t) => t.wallUs)),
    idleTickCpuUs: mean(idle.map((t) => t.cpuUs)),
    collectTickMs: collect.wallUs / 1000,
    collectDoneMs,
    notes
  }
}

/**
 * Closes the sessions under a fake clock, advances it 10 ms at a time until GC has
 * closed every core, waits for the closes, and returns the virtual time it took.
 */
export async function measureVirtualCollect (store: BenchStore, sessions: Hypercore[]): Promise<number> {
  const clock = installClock()
  try {
    await closeAll(sessions)
    const startMs = clock.now
    while (liveCount(store) > 0) {
      if (clock.now - startMs > 60_000) throw new Error('GC did not collect within 60 virtual seconds')
      clock.tick(STEP_MS)
      // Let the event loop turn, without moving virtual time, until the store stops
      // starting closes: a store may spread its closes over setImmediate turns (ours
      // closes 256 cores a turn), which all happen at this virtual instant.
      let before: number
      do {
        before = liveCount(store)
        await new Promise((resolve) => setImmediate(resolve))
      } while (liveCount(store) !== before && liveCount(store) > 0)
    }
    const virtualMs = clock.now - startMs
    await withTimeout(drained(store), 60_000, 'GC close of idle cores')
    return virtualMs
  } finally {
    clock.uninstall()
  }
}

function installClock (): Clock {
  return FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
}

/** Runs one synchronous GC interval; `collecting` is true if GC began closing cores in it. */
function measureTick (store: BenchStore, clock: Clock): Tick {
  // Start every tick with an empty young generation: otherwise whether a scavenge of
  // the set-up's garbage lands inside the tick or just after it is luck, and it
  // doubles the measured time when it does. Minor only: a full GC leaves sweeper
  // threads running that compete with the tick for the cores.
  globalThis.gc?.({ type: 'minor' })
  const cpu = process.cpuUsage()
  const start = performance.now()
  clock.tick(INTERVAL_MS)
  const wallUs = (performance.now() - start) * 1000
  const used = process.cpuUsage(cpu)
  return { wallUs, cpuUs: used.user + used.system, collecting: liveCount(store) < store.cores.size }
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
