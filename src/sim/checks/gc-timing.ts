/** Upstream corestore 7.12.5's GC, which ignores the options: a 2 s period, 4 strikes. */
export const UPSTREAM_GC = Object.freeze({ intervalMs: 2000, strikes: 4 })

/** A core as GC timing sees it. */
interface TimedCore { opened: boolean }

/**
 * When GC may close a core, to the virtual millisecond. A core going idle takes its first
 * strike; each GC tick after adds one, and the tick that makes `strikes` closes it: the
 * `max(1, strikes - 1)`-th tick after it went idle (the last time it did). The ticks run
 * every `intervalMs` in a phase the simulator does not see, so that tick falls within
 * one interval: at least `(n - 1) * intervalMs` and at most `n * intervalMs` after the
 * core went idle. A GC close outside is too early (a strike short) or too late.
 */
export class GcTiming {
  private readonly idleAt = new WeakMap<TimedCore, number>()
  private readonly ticks: number

  constructor (private readonly settings: { intervalMs: number, strikes: number }, private readonly now: () => number) {
    this.ticks = Math.max(1, settings.strikes - 1)
  }

  /** The core reported idle (its `onidle` ran). */
  idle (core: TimedCore): void {
    this.idleAt.set(core, this.now())
  }

  /** GC started closing the core: what is wrong with the moment, or null. */
  check (core: TimedCore): string | null {
    const since = this.idleAt.get(core)
    // A core whose open failed is dropped at once, not by GC; one never idle was not timed.
    if (!core.opened || since === undefined) return null
    const after = this.now() - since
    const { intervalMs, strikes } = this.settings
    const min = (this.ticks - 1) * intervalMs
    const max = this.ticks * intervalMs
    if (after >= min && after <= max) return null
    return `GC closed a core ${after} ms after it went idle, outside [${min}, ${max}] ms (${strikes} strikes, ${intervalMs} ms period)`
  }
}
