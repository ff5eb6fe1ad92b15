import { createRequire } from 'module'
import path from 'path'
import type Hypercore = require('hypercore')
import { Corestore } from '../../store/corestore'
import type { CorestoreStorage } from '../../store/types'

/** The internal core of a hypercore session, as far as the simulator looks at it. */
export type SimCore = Hypercore.Core

/**
 * The corestore API the simulator drives. Our store and upstream corestore 7 both
 * have it; so does any drop-in replacement.
 */
export interface StoreLike {
  ready (): Promise<void>
  close (): Promise<void>
  readonly closed: boolean
  get (opts: Record<string, unknown>): Hypercore
  replicate (isInitiator: boolean): Hypercore.ProtocolStream
  watch (fn: (core: SimCore) => void): void
  /** A store session: closing it closes only what it opened (an app gets one, so it cannot close the peer's store). */
  session (opts?: Record<string, unknown>): StoreLike
  /** hypercore-storage's CorestoreStorage. */
  readonly storage: object
  /** Sessions this store opened, per core id (hex discovery key). */
  readonly sessions: { list (id?: string): unknown[] }
  /** Open cores, by hex discovery key; null when missing or closing. */
  readonly cores: { get (id: string): SimCore | null }
}

/** What a peer passes when it makes its store. */
export interface StoreFactoryOptions {
  /** 32-byte primary key, derived from the run's seed. */
  primaryKey: Buffer
  /** Period of the idle-core GC check, in ms (stores that support it). */
  gcIntervalMs: number
  /** Idle strikes before GC closes a core (stores that support it). */
  gcStrikes: number
}

/** Makes the store under test; one per peer (re)start. */
export interface StoreFactory {
  /** `project`, or the package name. */
  readonly name: string
  /** Whether `gcIntervalMs`/`gcStrikes` are honoured (upstream's GC is fixed: 2 s, 4 strikes). */
  readonly tunableGc: boolean
  create (dir: string, opts: StoreFactoryOptions): StoreLike
}

/**
 * RocksDB memtable size of a simulated peer, in bytes. RocksDB preallocates each WAL at
 * 1.1 times it: at the default 64 MiB, every peer took 75 MB of real disk however little
 * it wrote, so 962 peers filled a 70 GB disk (the 1024-peer run failed with ENOSPC, and
 * once with ENOENT, both names of that). At 1 MiB a peer takes about 1.2 MB; a memtable
 * that fills is flushed in the background, which changes nothing a store can observe.
 */
export const SIM_WRITE_BUFFER_BYTES = 1024 * 1024

type StorageConstructor = new (dir: string, opts: Record<string, unknown>) => object

/** hypercore-storage as the `hypercore` resolvable with `req` loads it (the copy its stores check for). */
function storageClassOf (req: NodeJS.Require): StorageConstructor {
  const hypercore = createRequire(req.resolve('hypercore'))
  return hypercore('hypercore-storage') as StorageConstructor
}

/** A peer's storage: a folder, with the simulator's RocksDB sizes (see SIM_WRITE_BUFFER_BYTES). */
function simStorage (Storage: StorageConstructor, dir: string): object {
  return new Storage(dir, { writeBufferSize: SIM_WRITE_BUFFER_BYTES })
}

const ProjectStorage = storageClassOf(require)

/** Our store, from src/store. */
export const projectStoreFactory: StoreFactory = {
  name: 'project',
  tunableGc: true,
  create (dir, opts) {
    return new Corestore(simStorage(ProjectStorage, dir) as CorestoreStorage, {
      primaryKey: opts.primaryKey,
      gcIntervalMs: opts.gcIntervalMs,
      gcStrikes: opts.gcStrikes
    })
  }
}

type StoreConstructor = new (storage: object, opts: Record<string, unknown>) => StoreLike

/**
 * A factory for any corestore-compatible package, loaded at run time by name and
 * resolved from `fromDir` (default: the current working directory), so nothing here
 * depends on it statically. It is given a hypercore-storage of its own hypercore's copy
 * (sized as SIM_WRITE_BUFFER_BYTES says) and `{ primaryKey, unsafe: true }` (corestore 7.12
 * demands `unsafe` with a primary key) plus the GC options, which it may ignore.
 * The package is loaded now, before any simulation replaces globals.
 */
export function packageStoreFactory (packageName: string, fromDir: string = process.cwd()): StoreFactory {
  if (typeof packageName !== 'string' || packageName.length === 0) throw new TypeError('packageName must be a non-empty string')
  const requireFrom = createRequire(path.join(path.resolve(fromDir), 'noop.js'))
  const loaded = requireFrom(packageName) as StoreConstructor | { default?: StoreConstructor }
  const Ctor = typeof loaded === 'function' ? loaded : loaded.default
  if (typeof Ctor !== 'function') throw new TypeError(`package ${packageName} does not export a store class`)
  const Storage = storageClassOf(createRequire(requireFrom.resolve(packageName)))
  return {
    name: packageName,
    tunableGc: false,
    create (dir, opts) {
      return new Ctor(simStorage(Storage, dir), {
        primaryKey: opts.primaryKey,
        unsafe: true,
        gcIntervalMs: opts.gcIntervalMs,
        gcStrikes: opts.gcStrikes
      })
    }
  }
}

/** Upstream corestore's package name; `upstream` is an alias for it. */
export const UPSTREAM_PACKAGE = 'corestore'

/**
 * The factory for a store name: `project` (ours), `upstream` (the `corestore`
 * package), or any other package name; a factory passes through.
 */
export function resolveStoreFactory (store: string | StoreFactory = 'project'): StoreFactory {
  if (typeof store !== 'string') return store
  if (store === 'project') return projectStoreFactory
  return packageStoreFactory(store === 'upstream' ? UPSTREAM_PACKAGE : store)
}
