import { promisify } from 'util'

type SetImmediate = typeof globalThis.setImmediate
type ClearImmediate = typeof globalThis.clearImmediate

/** The real setImmediate, captured at load: the simulator's own ticks are never counted. */
export const realSetImmediate: SetImmediate = globalThis.setImmediate

/** The real setTimeout and clearTimeout, captured at load, before a virtual clock replaces them. */
const realSetTimeout = globalThis.setTimeout
const realClearTimeout = globalThis.clearTimeout

/** Resolves on the next real check phase of the event loop. */
export function nextImmediate (): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve))
}

/**
 * Resolves when `arm` calls the function it is given, or after `maxMs` of real time,
 * whichever comes first. `arm` returns a function that disarms it.
 */
export function nudgedOrAfter (maxMs: number, arm: (nudge: () => void) => () => void): Promise<boolean> {
  return new Promise((resolve) => {
    let disarm: (() => void) | null = null
    const timer = realSetTimeout(() => { done(false) }, maxMs)
    const done = (nudged = true): void => {
      realClearTimeout(timer)
      if (disarm !== null) disarm()
      disarm = null
      resolve(nudged)
    }
    disarm = arm(done)
  })
}

/**
 * Counts the setImmediate callbacks scheduled and not yet run, by wrapping the global
 * functions while installed. Replication progresses on immediates, so none pending is
 * one of the conditions for the system being idle.
 */
export class ImmediateTracker {
  /** Called each time an immediate is scheduled through the global. */
  onschedule: (() => void) | null = null
  private readonly live = new Set<NodeJS.Immediate>()
  private saved: { set: SetImmediate, clear: ClearImmediate } | null = null

  /** Number of immediates scheduled through the global and not yet run or cleared. */
  get pending (): number {
    return this.live.size
  }

  /** Wraps `globalThis.setImmediate` and `clearImmediate`. */
  install (): void {
    if (this.saved !== null) return
    const set = globalThis.setImmediate
    const clear = globalThis.clearImmediate
    this.saved = { set, clear }
    const live = this.live
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the global wrapper has its own `this`
    const tracker = this

    const tracked = function setImmediate<A extends unknown[]> (fn: (...args: A) => void, ...args: A): NodeJS.Immediate {
      const handle: NodeJS.Immediate = set(() => {
        live.delete(handle)
        fn(...args)
      })
      live.add(handle)
      if (tracker.onschedule !== null) tracker.onschedule()
      return handle
    }
    // util.promisify(setImmediate) is counted too: an app awaiting it is not idle.
    Object.defineProperty(tracked, promisify.custom, {
      value: <T>(value?: T): Promise<T | undefined> => new Promise((resolve) => { tracked(resolve, value) })
    })
    globalThis.setImmediate = tracked as SetImmediate
    globalThis.clearImmediate = function clearImmediate (handle?: NodeJS.Immediate | string | number) {
      if (handle !== undefined && typeof handle === 'object') {
        live.delete(handle)
        clear(handle)
      }
    }
  }

  /** Restores the globals. Immediates still pending run as usual. */
  uninstall (): void {
    if (this.saved === null) return
    globalThis.setImmediate = this.saved.set
    globalThis.clearImmediate = this.saved.clear
    this.saved = null
    this.live.clear()
  }
}
