import type { VirtualClock } from './clock'

/** Bounds of `waitUntil`; both bounds end the wait, whichever comes first. */
export interface WaitOptions {
  /** Event-loop turns (real I/O polls) to wait at most. Default 2000. */
  turnsMax?: number
  /** Virtual milliseconds to advance every `turnsPerStep` turns; 0 keeps time still. Default 0. */
  stepMs?: number
  /** Turns between two virtual steps. Default 20. */
  turnsPerStep?: number
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
 * Waits until `cond()` holds, polling once per event-loop turn and, when `stepMs` is
 * set, moving virtual time in steps (so timers such as request retries and GC fire).
 * Returns whether the condition was reached; never loops forever.
 */
export async function waitUntil (clock: VirtualClock, cond: () => boolean | Promise<boolean>, opts: WaitOptions = {}): Promise<boolean> {
  const { turnsMax = 2000, stepMs = 0, turnsPerStep = 20, virtualMsMax = 60000 } = opts
  let advanced = 0
  for (let i = 0; i < turnsMax; i++) {
    if (await cond()) return true
    await turn()
    if (stepMs > 0 && i % turnsPerStep === turnsPerStep - 1 && advanced < virtualMsMax) {
      await clock.advance(stepMs)
      advanced += stepMs
    }
  }
  return cond()
}

/**
 * Waiting for replication: hypercore backs off for up to seconds (200, 500, 1000 ms)
 * when a peer is not ready to serve yet, so time has to move, in virtual steps.
 */
export const REPLICATION_WAIT: WaitOptions = { stepMs: 200, turnsPerStep: 5, turnsMax: 4000, virtualMsMax: 60000 }
