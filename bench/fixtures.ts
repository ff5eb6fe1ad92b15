import path from 'path'
import type Hypercore from 'hypercore'
import type { BenchGetOptions, BenchStore, StoreFactory } from './store-impl'

// Set-up shared by the cases. Nothing here is timed.

// Captured before any case installs fake timers, so timeouts stay real under them.
const realSetTimeout = setTimeout
const realClearTimeout = clearTimeout

/** Opens `count` named cores concurrently and waits until every one is ready. */
export async function openNamed (store: BenchStore, count: number, prefix: string, opts: BenchGetOptions = {}): Promise<Hypercore[]> {
  const sessions: Hypercore[] = []
  for (let i = 0; i < count; i++) sessions.push(store.get({ ...opts, name: prefix + i }))
  await Promise.all(sessions.map((s) => s.ready()))
  return sessions
}

/** Closes every session, concurrently. */
export async function closeAll (sessions: Hypercore[]): Promise<void> {
  await Promise.all(sessions.map((s) => s.close()))
}

/** A store folder under the run's folder. */
export function subdir (dir: string, name: string): string {
  return path.join(dir, name)
}

/**
 * Writes `count` named cores with one block each into a new store at `dir`, then
 * closes the store, so the cores are on disk and none is open. Returns their keys.
 */
export async function createStoredCores (createStore: StoreFactory, dir: string, count: number): Promise<Buffer[]> {
  const store = createStore(dir)
  await store.ready()
  const sessions = await openNamed(store, count, 'stored-')
  await Promise.all(sessions.map((s) => s.append(Buffer.from('block 0'))))
  const keys = sessions.map((s) => s.key as Buffer)
  await closeAll(sessions)
  await store.close()
  return keys
}

/** Opens one session per key (by key, so without a storage round trip first) and readies them. */
export async function openByKey (store: BenchStore, keys: Buffer[]): Promise<Hypercore[]> {
  const sessions = keys.map((key) => store.get({ key }))
  await Promise.all(sessions.map((s) => s.ready()))
  return sessions
}

/** A live replication between two stores in this process. */
export interface Link {
  /** Destroys both streams and waits until they have closed. */
  destroy (): Promise<void>
}

/** Replicates two stores over a pair of piped streams; `a` is the initiator. */
export function link (a: BenchStore, b: BenchStore): Link {
  const sa = a.replicate(true)
  const sb = b.replicate(false)
  sa.pipe(sb).pipe(sa)
  return {
    async destroy () {
      const closed = [sa, sb].map((s) => new Promise<void>((resolve) => {
        if (s.destroyed) resolve()
        else s.once('close', () => resolve())
      }))
      sa.destroy()
      sb.destroy()
      await Promise.all(closed)
    }
  }
}

/** Rejects with a clear message if `promise` has not settled after `ms` milliseconds. */
export async function withTimeout<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | null = null
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = realSetTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    if (timer !== null) realClearTimeout(timer)
  }
}
