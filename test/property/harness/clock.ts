import FakeTimers from '@sinonjs/fake-timers'

/**
 * A fake clock over timers and `Date` only. `setImmediate`, `process.nextTick` and
 * `queueMicrotask` stay real, so storage and replication keep making progress while
 * virtual time stands still; time moves only when a property says so.
 */
export interface VirtualClock {
  /** Virtual milliseconds since the clock was installed. */
  nowMs (): number
  /** Advances virtual time, firing due timers and letting their promises settle. */
  advance (ms: number): Promise<void>
  /** Advances virtual time firing due timers synchronously: what they start is still in flight on return. */
  advanceSync (ms: number): void
  /** Number of pending fake timers (intervals included). */
  countTimers (): number
  /** Restores the real timers. Idempotent. */
  uninstall (): void
}

// The only things faked: GC runs on setInterval, hypercore's lingers on setTimeout.
const FAKED: FakeTimers.FakeMethod[] = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date']

let active: FakeTimers.Clock | null = null

/** Installs the fake clock. Only one can be installed at a time (they patch globals). */
export function installClock (): VirtualClock {
  if (active !== null) throw new Error('a virtual clock is already installed')
  const clock = FakeTimers.install({ toFake: FAKED, now: 0 })
  active = clock
  return {
    nowMs: () => clock.now,
    advance: async (ms) => { await clock.tickAsync(ms) },
    advanceSync: (ms) => { clock.tick(ms) },
    countTimers: () => clock.countTimers(),
    uninstall: () => {
      if (active !== clock) return
      clock.uninstall()
      active = null
    }
  }
}

/** Uninstalls whatever clock is installed: the watchdog's way out of a hung scenario. */
export function forceUninstallClock (): void {
  if (active === null) return
  active.uninstall()
  active = null
}
