import { realNow } from './real-time'
import type { VirtualClock } from './clock'
import { realDelay } from './watchdog'

/** Bounds of `waitUntil`; whichever runs out first ends the wait. */
export interface WaitOptions {
  /** Real milliseconds to wait at most. Default 3000. */
  realMsMax?: number
  /** Virtual milliseconds to advance per real millisecond of waiting; 0 keeps time still. Default 0. */
  stepMs?: number
  /** Virtual time the wait may advance in total, in milliseconds. Default 60000. */
  virtualMsMax?: number
}

/** One real event-loop turn: lets storage callbacks and stream data through. */
export function turn (): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Lets pending real work drain for `n` event-loop turns. */
export async function drain (n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await turn()
}

/**
 * Waits until `cond()` holds. Storage completes on a thread pool in real time, so the
 * wait is paced by the real clock (1 ms per poll); when `stepMs` is set, virtual time
 * moves by that much per poll, so timers such as hypercore's request backoffs fire.
 * Returns whether the condition was reached; never waits past its bounds.
 */
export async function waitUntil (clock: VirtualClock, cond: () => boolean | Promise<boolean>, opts: WaitOptions = {}): Promise<boolean> {
  const { realMsMax = 3000, stepMs = 0, virtualMsMax = 60000 } = opts
  const until = realNow() + realMsMax
  let advanced = 0
  while (realNow() < until) {
    if (await cond()) return true
    await realDelay(1)
    if (stepMs > 0 && advanced < virtualMsMax) {
      await clock.advance(stepMs)
      advanced += stepMs
    }
  }
  return cond()
}

/**
 * Waiting for replication: hypercore backs off for up to seconds (200, 500, 1000 ms)
 * when a peer is not ready to serve yet, so virtual time has to move while we wait.
 */
export const REPLICATION_WAIT: WaitOptions = { stepMs: 50, realMsMax: 2000, virtualMsMax: 60000 }
