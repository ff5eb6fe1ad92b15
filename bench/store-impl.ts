import type Hypercore from 'hypercore'
import Corestore from '../src'

/** Which store a child process measures. */
export type Impl = 'ours' | 'upstream'

/** Both implementations, in the order a round starts with on even rounds. */
export const IMPLS: readonly Impl[] = ['ours', 'upstream']

/** Options of `get()` that the cases use; both stores accept them. */
// A type alias, not an interface, so it is assignable to our store's indexed GetOptions.
export type BenchGetOptions = {
  name?: string
  key?: Buffer | null
  /** Milliseconds a core keeps replicating after its last active session closes. */
  notDownloadingLinger?: number
}

/**
 * The surface of a corestore that the cases touch. Our store and upstream's both
 * have it, so a case is written once and runs against either.
 */
export interface BenchStore {
  readonly cores: { readonly size: number } & Iterable<Hypercore.Core>
  ready (): Promise<void>
  close (): Promise<void>
  get (opts: BenchGetOptions): Hypercore
  replicate (isInitiator: boolean): Hypercore.ProtocolStream
  watch (fn: (core: Hypercore.Core) => void): void
}

/** Makes a root store over a storage folder. */
export type StoreFactory = (dir: string) => BenchStore

type StoreClass = new (dir: string) => BenchStore

/** The constructor of one implementation, loaded only when a child needs it. */
export function loadStore (impl: Impl): StoreFactory {
  if (impl === 'ours') return (dir) => new Corestore(dir)
  // Upstream ships no typings; the benchmark relies only on the BenchStore surface.
  const Upstream = require('corestore') as StoreClass
  return (dir) => new Upstream(dir)
}

/** Parses an implementation name from the command line. */
export function parseImpl (value: string | undefined): Impl {
  if (value === 'ours' || value === 'upstream') return value
  throw new Error(`Unknown store implementation ${JSON.stringify(value)}: use "ours" or "upstream"`)
}
