import { performance } from 'perf_hooks'

/** Wall-clock and process CPU time of one measured section, in milliseconds. */
export interface Elapsed {
  wallMs: number
  /**
   * User + system CPU of the whole process (RocksDB and libuv threads included).
   * Less sensitive than wall time to other processes sharing the machine.
   */
  cpuMs: number
}

/** Runs `fn` and measures it; resolves with its result and the elapsed times. */
export async function measure<T> (fn: () => Promise<T>): Promise<{ result: T } & Elapsed> {
  const cpu = process.cpuUsage()
  const start = performance.now()
  const result = await fn()
  const wallMs = performance.now() - start
  const used = process.cpuUsage(cpu)
  return { result, wallMs, cpuMs: (used.user + used.system) / 1000 }
}
