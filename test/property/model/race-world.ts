import type fc from 'fast-check'
import type Hypercore from 'hypercore'
import Corestore from '../../../src'
import { installClock, type VirtualClock } from '../harness/clock'
import { makeDir, removeClosedStoreDir, removeDir } from '../harness/tmp-dirs'
import { pipe, type Pipe } from '../harness/pipe'
import type { RaceSetup } from './race-ops'

/** GC interval of race scenarios, in virtual milliseconds. */
export const RACE_INTERVAL_MS = 100

/**
 * The real side of a race: store A (and, for attach, store B piped to it) and the
 * keeper session on core `c`.
 */
export interface RaceWorld {
  readonly clock: VirtualClock
  readonly dirs: string[]
  readonly a: Corestore
  readonly b: Corestore | null
  readonly link: Pipe | null
  /** The store session the keeper came from (A itself unless `viaStoreSession`). */
  readonly s: Corestore
  readonly keeper: Hypercore
  readonly key: Buffer
  readonly discoveryKey: Buffer
}

/** Builds the setup: keeper appends block 0; a closed keeper leaves the core one tick from collection. */
export async function openRaceWorld (setup: RaceSetup, withPeer: boolean): Promise<RaceWorld> {
  const dirs = [await makeDir('race-a')]
  if (withPeer) dirs.push(await makeDir('race-b'))
  const clock = installClock()
  const opened: Corestore[] = []
  try {
    const opts = { gcIntervalMs: RACE_INTERVAL_MS, gcStrikes: setup.strikes }
    const a = new Corestore(dirs[0] as string, { ...opts, primaryKey: Buffer.alloc(32, 1) })
    opened.push(a)
    await a.ready()
    let b: Corestore | null = null
    let link: Pipe | null = null
    if (withPeer) {
      b = new Corestore(dirs[1] as string, { ...opts, primaryKey: Buffer.alloc(32, 2) })
      opened.push(b)
      await b.ready()
      link = pipe(a, b)
    }
    const s = setup.viaStoreSession ? a.session() : a
    const keeper = s.get({ name: 'c' })
    await keeper.ready()
    await keeper.append('c#0')
    if (keeper.key === null || keeper.discoveryKey === null) throw new Error('keeper has no key')
    if (!setup.keeperOpen) {
      await keeper.close()
      await clock.advance(RACE_INTERVAL_MS * (graceIntervals(setup.strikes) - 1))
    }
    return { clock, dirs, a, b, link, s, keeper, key: keeper.key, discoveryKey: keeper.discoveryKey }
  } catch (err) {
    for (const store of opened) await store.close().catch(() => {})
    clock.uninstall()
    for (const dir of dirs) await removeDir(dir)
    throw err
  }
}

/**
 * Routes what A waits on through the scheduler, so it decides the order of: storage
 * lookups of a preloading get() or a dynamic attach, the storage closing, and a core
 * finishing its close (GC's or the store's). Returns the function that routes them
 * back: nothing may wait on the scheduler after the race.
 */
export function routeStorage (w: RaceWorld, sched: fc.Scheduler): () => void {
  let routing = true
  const storage = w.a.storage
  const { getAlias, hasCore, close } = storage
  storage.getAlias = (alias) => sched.schedule(getAlias.call(storage, alias), 'A.storage.getAlias() answers')
  storage.hasCore = (dk, opts) => sched.schedule(hasCore.call(storage, dk, opts), 'A.storage.hasCore() answers')
  storage.close = () => sched.schedule(close.call(storage), 'A.storage.close() completes')
  const routeClose = (core: Hypercore.Core): void => {
    const closeCore = core.close
    core.close = () => routing ? sched.schedule(closeCore.call(core), 'a core of A finishes closing') : closeCore.call(core)
  }
  for (const core of w.a.cores) routeClose(core)
  w.a.watch(routeClose)
  return () => {
    routing = false
    w.a.unwatch(routeClose)
    storage.getAlias = getAlias
    storage.hasCore = hasCore
    storage.close = close
  }
}

/** Closes what the race left open, restores real timers, removes the folders. */
export async function disposeRaceWorld (w: RaceWorld): Promise<void> {
  try {
    if (w.link !== null) await w.link.destroy()
    if (w.b !== null) await w.b.close()
    await w.a.close()
  } finally {
    w.clock.uninstall()
    for (const dir of w.dirs) await removeClosedStoreDir(dir)
  }
}

/** GC intervals from going idle to being collected, for a strike count. */
export function graceIntervals (strikes: number): number {
  return Math.max(1, strikes - 1)
}
