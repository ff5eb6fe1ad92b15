import type Hypercore = require('hypercore')

/** An ed25519 key pair; `secretKey` is null for a key pair that can only verify. */
export type KeyPair = Hypercore.KeyPair

/** A hypercore manifest: who may sign the core, and how. */
export type Manifest = Hypercore.Manifest

/** The shared internal core that every session on one discovery key points at. */
export type Core = Hypercore.Core

/** A key pair as `get()` accepts it: Buffers or any Uint8Arrays. */
export interface KeyPairInput {
  publicKey: Uint8Array
  secretKey?: Uint8Array | null
}

/** A key as `get()` accepts it: 32 bytes, 64 hex characters or 52 z32 characters. */
export type KeyInput = Uint8Array | string

/** Options of `new Corestore(storage, opts)`. Every field is optional. */
export interface CorestoreOptions {
  /** 32-byte primary key that seeds every named core. Default: read from storage, or random on first open. */
  primaryKey?: Uint8Array | null
  /** Upstream 7.12 demands `unsafe: true` with `primaryKey`; we accept both (see README). Default false. */
  unsafe?: boolean
  /** `false` makes every session this store opens read-only. Default true. */
  writable?: boolean
  /** Opens the storage read-only and every session read-only. Default false. */
  readOnly?: boolean
  /** 32-byte namespace for named cores. Default: 32 zero bytes. */
  namespace?: Uint8Array
  /** A shared block cache handed to every core (for example a `rache` instance). Default null. */
  globalCache?: unknown
  /** Manifest version for cores made from a key pair or name. Default 1; 0 also means 1, as upstream does. */
  manifestVersion?: number
  /** Whether `suspend()` suspends the storage. Default true, false on Android (as upstream). */
  suspend?: boolean
  /** Whether downloading cores attach to replication streams. Default true. */
  active?: boolean
  /** Storage pass-through: an id written in the lock file. Default null. */
  id?: string | null
  /** Storage pass-through: open without the exclusive lock file. Default false. */
  allowBackup?: boolean
  /** Storage pass-through: wait for the lock instead of failing. Default false. */
  wait?: boolean
  /** Storage pass-through: merkle tree node cache size. Default `{ maxSize: 8192 }`. */
  treeCache?: { maxSize: number }
  /** Period of the idle-core GC check, in milliseconds. Default 2000 (upstream's fixed value). */
  gcIntervalMs?: number
  /** Idle strikes after which GC closes a core; the first strike is the moment it goes idle. Default 4. */
  gcStrikes?: number
}

/** Options of `store.get(opts)`. Options not listed are forwarded to hypercore. */
export interface GetOptions {
  /** Name of a core derived from the primary key; a string (the storage keeps aliases as strings). */
  name?: string
  key?: KeyInput | null
  keyPair?: KeyPairInput | null
  manifest?: Manifest | null
  discoveryKey?: KeyInput | null
  preload?: Promise<Partial<GetOptions>> | null
  exclusive?: boolean
  writable?: boolean
  encryption?: unknown
  encryptionKey?: Buffer | null
  isBlockKey?: boolean
  valueEncoding?: unknown
  active?: boolean
  pushOnly?: boolean
  allowPush?: boolean
  allowLatestBlock?: boolean
  group?: Uint8Array | null
  wait?: boolean
  timeout?: number
  draft?: boolean
  createIfMissing?: boolean
  overwrite?: boolean
  force?: boolean
  legacy?: boolean
  allowFork?: boolean
  notDownloadingLinger?: number
  inflightRange?: unknown
  globalCache?: unknown
  onwait?: ((index: number, session: Hypercore) => void) | null
  [option: string]: unknown
}

/** Options of `store.session(opts)`. */
export interface SessionOptions {
  namespace?: Uint8Array
  writable?: boolean
  readOnly?: boolean
  manifestVersion?: number
  active?: boolean
  suspend?: boolean
}

/** Options forwarded to hypercore's protocol stream by `store.replicate()`. */
export type ReplicateOptions = Hypercore.ProtocolStreamOptions

/** One result of `store.audit()`. */
export interface AuditRecord {
  discoveryKey: Buffer
  key: Buffer | null
  audit: Hypercore.AuditResult
}

/** hypercore-storage's RocksDB store, shared by every core of a store. */
export type CorestoreStorage = Hypercore.CorestoreStorage

/** The protomux a replication stream runs on. */
export type Muxer = Hypercore.Muxer

/** A replication stream as `replicate()` returns it. */
export type ProtocolStream = Hypercore.ProtocolStream
