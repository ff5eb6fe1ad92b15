// Narrow typings for the parts of hypercore 11.37.1 (and the packages around it)
// that corestore-ts touches. They describe only what the store and the simulator
// use; anything else on these objects stays unknown on purpose.

declare module 'hypercore' {
  import { EventEmitter } from 'events'
  import { Duplex } from 'streamx'

  namespace Hypercore {
    interface KeyPair {
      publicKey: Buffer
      secretKey: Buffer | null
    }

    interface ManifestSigner {
      signature?: string
      namespace?: Buffer
      publicKey: Buffer
    }

    interface Manifest {
      version?: number
      hash?: string
      quorum?: number
      allowPatch?: boolean
      signers: ManifestSigner[]
      prologue?: { hash: Buffer, length: number } | null
      linked?: Buffer[] | null
      userData?: Buffer | null
    }

    /** The protomux instance a replication stream carries in `noiseStream.userData`. */
    interface Muxer {
      cork (): void
      uncork (): void
      pair (opts: { protocol: string, id?: Buffer | null }, notify: (id: Buffer) => unknown): void
      unpair (opts: { protocol: string, id?: Buffer | null }): void
      /** The channels open on this side of the muxer. */
      [Symbol.iterator] (): IterableIterator<Channel>
      stream: NoiseStream
    }

    /** A protomux channel (a core's replication channel: protocol 'hypercore/alpha', id its discovery key). */
    interface Channel {
      protocol: string
      id: Buffer | null
      opened: boolean
      closed: boolean
      close (): void
    }

    interface NoiseStream extends Duplex {
      userData: Muxer | null
      opened: Promise<boolean>
      rawStream: ProtocolStream
    }

    /** The outer stream returned by `createProtocolStream`: raw or the one passed in. */
    interface ProtocolStream extends Duplex {
      noiseStream: NoiseStream
    }

    interface Replicator {
      downloading: boolean
      ondownloading: (() => void) | null
      attached (muxer: Muxer): boolean
      attachTo (muxer: Muxer): void
      detachFrom (muxer: Muxer): void
      idle (): boolean
      peers: unknown[]
    }

    interface CoreHeader {
      keyPair: KeyPair | null
      group: { key: Buffer } | null
    }

    interface AuditResult {
      corrupt: boolean
      dropped?: number
      droppedTreeNodes: number
      droppedBlocks: number
      droppedBits: number
      [key: string]: unknown
    }

    /** A record from `storage.createCoreStream()`. */
    interface StoredCoreRecord {
      discoveryKey: Buffer
      core: { version: number, [key: string]: unknown }
    }

    interface StorageHead {
      length: number
      rootHash: Buffer
    }

    interface StorageReader {
      getHead (): Promise<StorageHead | null>
      getAuth (): Promise<{ manifest: Manifest & { hash?: string } } | null>
      tryFlush (): void
    }

    interface CoreStateStorage {
      read (): StorageReader
      core: unknown
    }

    interface Alias {
      name: string | Buffer
      namespace: Buffer
    }

    interface CreateCoreRecord {
      key: Buffer | null
      discoveryKey: Buffer | null
      manifest: Manifest
      core: unknown
    }

    /** hypercore-storage's CorestoreStorage: the RocksDB backed store of all cores. */
    interface CorestoreStorage {
      readonly opened: boolean
      readonly closed: boolean
      path: string
      ready (): Promise<void>
      close (): Promise<void>
      flush (): Promise<void>
      getSeed (): Promise<Buffer | null>
      setSeed (seed: Buffer, opts?: { overwrite?: boolean }): Promise<Buffer>
      getAlias (alias: Alias): Promise<Buffer | null>
      hasCore (discoveryKey: Buffer, opts?: { ifMigrated?: boolean }): Promise<boolean>
      getInfos (discoveryKeys: Buffer[], opts?: { auth?: boolean, head?: boolean, hints?: boolean }): Promise<Array<{ core: { version: number } } | null>>
      getAuth (discoveryKey: Buffer): Promise<unknown>
      getGroup (topic: Buffer): Promise<unknown>
      createCoreStream (): AsyncIterable<StoredCoreRecord>
      createDiscoveryKeyStream (namespace?: Buffer): AsyncIterable<Buffer> & Duplex
      createGroupUpdateStream (group: unknown, opts?: { since?: number, reverse?: boolean }): Duplex
      createCore (record: CreateCoreRecord): Promise<unknown>
      suspend (opts?: { log?: (msg: string) => unknown }): Promise<void>
      resume (): Promise<void>
    }

    interface StorageOptions {
      id?: string | null
      allowBackup?: boolean
      readOnly?: boolean
      wait?: boolean
      treeCache?: { maxSize: number }
    }

    /** The shared internal core behind every session on one discovery key. */
    interface Core {
      id: string | null
      key: Buffer | null
      discoveryKey: Buffer
      manifest: Manifest | null
      opened: boolean
      closed: boolean
      destroyed: boolean
      closing: Promise<void> | null
      header: CoreHeader
      replicator: Replicator
      activeSessions: number
      globalCache: unknown
      onidle: () => void
      ongroupupdate: (topic: Buffer, update: unknown) => void
      state: { storage: CoreStateStorage, length: number } | null
      ready (): Promise<void>
      close (): Promise<void>
      /** The last step of close(): releases the replicator and the core's storage. */
      destroy (): Promise<void>
      checkIfIdle (): void
      hasSession (): boolean
      audit (opts?: { dryRun?: boolean }): Promise<AuditResult>
    }

    interface CreateCoreOptions {
      preopen?: Promise<void> | null
      eagerUpgrade?: boolean
      notDownloadingLinger?: number
      allowFork?: boolean
      allowPush?: boolean
      alwaysLatestBlock?: boolean
      inflightRange?: unknown
      compat?: boolean
      force?: boolean
      createIfMissing?: boolean
      discoveryKey: Buffer
      overwrite?: boolean
      key: Buffer | null
      keyPair: KeyPair | null
      legacy?: boolean
      manifest: Manifest | null
      group?: Buffer | null
      globalCache?: unknown
      alias?: Alias | null
    }

    /** What `new Hypercore(null, null, conf)` accepts when a store hands it a core. */
    interface SessionConfig {
      preload?: Promise<Partial<SessionConfig>> | null
      sessions?: Hypercore[] | null
      ongc?: ((session: Hypercore) => void) | null
      core?: Core | null
      [option: string]: unknown
    }

    interface ProtocolStreamOptions {
      ondiscoverykey?: (discoveryKey: Buffer) => unknown
      keepAlive?: boolean
      [option: string]: unknown
    }
  }

  class Hypercore extends EventEmitter {
    constructor (storage: null, key: null, opts: Hypercore.SessionConfig)
    static key (manifest: Hypercore.Manifest | Buffer, opts?: { compat?: boolean, version?: number, namespace?: Buffer }): Buffer
    static discoveryKey (key: Buffer): Buffer
    static createCore (storage: Hypercore.CorestoreStorage, opts: Hypercore.CreateCoreOptions): Hypercore.Core
    static createProtocolStream (isInitiator: boolean | Hypercore.ProtocolStream | Hypercore.Muxer | object, opts?: Hypercore.ProtocolStreamOptions): Hypercore.ProtocolStream
    static defaultStorage (storage: string | Hypercore.CorestoreStorage, opts?: Hypercore.StorageOptions): Hypercore.CorestoreStorage
    static getProtocolMuxer (stream: Hypercore.ProtocolStream): Hypercore.Muxer

    core: Hypercore.Core | null
    id: string | null
    key: Buffer | null
    discoveryKey: Buffer | null
    manifest: Hypercore.Manifest | null
    keyPair: Hypercore.KeyPair | null
    sessions: Hypercore[] | null
    length: number
    contiguousLength: number
    byteLength: number
    fork: number
    writable: boolean
    readable: boolean
    opened: boolean
    closed: boolean
    closing: Promise<void> | null
    globalCache: unknown
    peers: unknown[]
    ready (): Promise<void>
    close (opts?: { error?: Error }): Promise<void>
    session (opts?: Record<string, unknown>): Hypercore
    append (block: Buffer | string | Array<Buffer | string>): Promise<{ length: number, byteLength: number }>
    get (index: number, opts?: Record<string, unknown>): Promise<Buffer | null>
    has (start: number, end?: number): Promise<boolean>
    update (opts?: Record<string, unknown>): Promise<boolean>
    truncate (length: number, opts?: Record<string, unknown>): Promise<void>
    treeHash (length?: number): Promise<Buffer>
    findingPeers (): () => void
    download (range?: Record<string, unknown>): { done (): Promise<void>, destroy (): void }
    replicate (isInitiator: boolean | object, opts?: Record<string, unknown>): Hypercore.ProtocolStream
    setActive (active: boolean): void
  }

  export = Hypercore
}

declare module 'hypercore-crypto' {
  export function discoveryKey (key: Buffer): Buffer
  export function randomBytes (n: number): Buffer
  export function keyPair (seed?: Buffer): { publicKey: Buffer, secretKey: Buffer }
  /** Detached ed25519 signature of `message`. */
  export function sign (message: Buffer, secretKey: Buffer): Buffer
  export function verify (message: Buffer, signature: Buffer, publicKey: Buffer): boolean
  export function namespace (name: string, count: number): Buffer[]
}

declare module 'hypercore-id-encoding' {
  /** Decodes a 32-byte id from a buffer, 64 hex chars or 52 z32 chars; throws otherwise. */
  export function decode (id: Buffer | string): Buffer
  export function normalize (id: Buffer | string): string
  export function encode (key: Buffer): string
}

declare module 'hypercore-errors' {
  class HypercoreError extends Error {
    code: string
    static ASSERTION (msg?: string): HypercoreError
    static BAD_ARGUMENT (msg?: string): HypercoreError
    static STORAGE_EMPTY (msg?: string): HypercoreError
    static STORAGE_CONFLICT (msg?: string): HypercoreError
    static SESSION_CLOSED (msg?: string): HypercoreError
    static REQUEST_CANCELLED (msg?: string): HypercoreError
    static REQUEST_TIMEOUT (msg?: string): HypercoreError
  }
  export = HypercoreError
}

declare module 'sodium-universal' {
  export const crypto_sign_PUBLICKEYBYTES: number
  export const crypto_sign_SECRETKEYBYTES: number
  export function crypto_generichash_batch (out: Buffer, batch: Buffer[], key?: Buffer): void
  export function crypto_sign_seed_keypair (pk: Buffer, sk: Buffer, seed: Buffer): void
}
