import { forceUninstallClock } from './clock'

// Captured at load, before any property installs a fake clock.
const realSetTimeout = globalThis.setTimeout
const realClearTimeout = globalThis.clearTimeout

/** Thrown when a scenario does not settle in real time: a hang is a failure too. */
export class HangError extends Error {
  constructor (what: string, ms: number) {
    super(`HANG: ${what} did not settle within ${ms} ms of real time`)
    this.name = 'HangError'
  }
}

/**
 * Runs `fn` with a real-time deadline. On a hang the fake clock is uninstalled, so the
 * next scenario can install its own; the hung one's resources are abandoned.
 */
export async function withDeadline<T> (what: string, ms: number, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | null = null
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = realSetTimeout(() => {
      forceUninstallClock()
      reject(new HangError(what, ms))
    }, ms)
  })
  try {
    return await Promise.race([fn(), deadline])
  } finally {
    if (timer !== null) realClearTimeout(timer)
  }
}

/** Waits `ms` of real time (the fake clock cannot reach this one). */
export function realDelay (ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms))
}
