import { once } from 'events'
import type Hypercore from 'hypercore'
import Corestore from '../../src'
import type { AuditRecord, CorestoreOptions, GetOptions, KeyPair, ProtocolStream } from '../../src/store/types'

/**
 * The public surface that corestore-ts and upstream corestore share and that the
 * interop tests drive, so one scenario can run with either on either side.
 */
export interface StoreLike {
  primaryKey: Buffer | null
  readonly ns: Buffer
  readonly closed: boolean
  ready (): Promise<void>
  close (): Promise<void>
  get (opts: GetOptions | Buffer | string): Hypercore
  namespace (name: string | Buffer): StoreLike
  session (opts?: { namespace?: Buffer }): StoreLike
  replicate (isInitiator: boolean): ProtocolStream
  list (namespace?: Buffer): AsyncIterable<Buffer>
  audit (opts?: { dryRun?: boolean }): AsyncIterable<AuditRecord>
  createKeyPair (name: string | Buffer, ns?: Buffer): Promise<KeyPair>
  watch (fn: (core: { discoveryKey: Buffer }) => void): void
}

/** A store constructor, ours or upstream's. */
export type StoreClass = new (storage: string, opts?: CorestoreOptions) => StoreLike

/** One implementation under test, with how it must be given a primary key. */
export interface Implementation {
  label: 'ours' | 'upstream'
  Store: StoreClass
  /** Constructor options that pass `primaryKey` the way this implementation accepts it. */
  withPrimaryKey (primaryKey: Buffer, opts?: CorestoreOptions): CorestoreOptions
}

// Upstream ships no typings: `require` returns `any` and this annotation is its type.
// Only tests may load upstream (COMMON.md: nothing under src/ imports it).
const UpstreamStore: StoreClass = require('corestore')

/** corestore-ts; takes `primaryKey` without `unsafe`, to show that it may. */
export const OURS: Implementation = {
  label: 'ours',
  Store: Corestore,
  withPrimaryKey: (primaryKey, opts = {}) => ({ ...opts, primaryKey })
}

/** Upstream corestore 7.12.5, which demands `unsafe: true` next to `primaryKey`. */
export const UPSTREAM: Implementation = {
  label: 'upstream',
  Store: UpstreamStore,
  withPrimaryKey: (primaryKey, opts = {}) => ({ ...opts, primaryKey, unsafe: true })
}

/**
 * Follows a path of namespace names from a store with `namespace()`, closing the
 * intermediate sessions; [] is the store itself. The caller closes the result.
 */
export async function namespaced (store: StoreLike, path: readonly string[]): Promise<StoreLike> {
  let ns = store
  for (const name of path) {
    const next = ns.namespace(name)
    if (ns !== store) await ns.close()
    ns = next
  }
  return ns
}

/** A live replication link between two stores. */
export interface Link {
  /** Destroys both streams and resolves once both have closed. */
  close (): Promise<void>
}

/** Replicates `a` (initiator) with `b` over an in-process pipe. */
export function connect (a: StoreLike, b: StoreLike): Link {
  const streams = [a.replicate(true), b.replicate(false)] as const
  const closed = streams.map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())))
  for (const s of streams) s.on('error', noop) // a destroyed peer errors the other end
  streams[0].pipe(streams[1]).pipe(streams[0])
  return {
    async close () {
      for (const s of streams) s.destroy()
      await Promise.all(closed)
    }
  }
}

/** Resolves once the session knows of at least `length` blocks. */
export async function waitForLength (core: Hypercore, length: number): Promise<void> {
  while (core.length < length) await once(core, 'append')
}

/** Every block of `[0, length)` as stored locally: null where the block is absent. */
export async function localBlocks (core: Hypercore, length: number): Promise<Array<Buffer | null>> {
  const blocks: Array<Buffer | null> = []
  for (let i = 0; i < length; i++) blocks.push(await core.get(i, { wait: false }))
  return blocks
}

/** `count` distinct blocks for a label: small text blocks and one of 5 kB every 4th. */
export function makeBlocks (label: string, count: number, from = 0): Buffer[] {
  const blocks: Buffer[] = []
  for (let i = from; i < from + count; i++) {
    blocks.push(i % 4 === 3 ? Buffer.alloc(5000, `${label}#${i}`) : Buffer.from(`${label}#${i}`))
  }
  return blocks
}

/** The discovery keys a store lists, as sorted hex. */
export async function listed (store: StoreLike, namespace?: Buffer): Promise<string[]> {
  const keys: string[] = []
  for await (const dk of store.list(namespace)) keys.push(dk.toString('hex'))
  return keys.sort()
}

function noop (): void {}
