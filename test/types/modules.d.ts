// Typings for test-only packages that ship none.

declare module 'test-tmp' {
  function tmp (t?: { teardown (fn: () => unknown, opts?: { order?: number }): void }, opts?: { dir?: string, name?: string }): Promise<string>
  export = tmp
}

declare module 'rache' {
  class Rache {
    constructor (opts?: { maxSize?: number })
  }
  export = Rache
}

// hyperdht 6, hyperswarm 4 and @hyperswarm/testnet 3: only what test/integration
// and examples use.
declare module 'hyperdht' {
  import { EventEmitter } from 'events'
  namespace HyperDHT {
    interface Address { host: string, port: number }
    interface Options {
      /** DHT nodes to bootstrap from; the public ones when omitted. */
      bootstrap?: Array<Address | string>
      /** Interface to bind the UDP sockets to. Default '0.0.0.0'. */
      host?: string
      port?: number
      firewalled?: boolean
      ephemeral?: boolean
    }
  }
  class HyperDHT extends EventEmitter {
    constructor (opts?: HyperDHT.Options)
    ready (): Promise<void>
    fullyBootstrapped (): Promise<void>
    address (): HyperDHT.Address
    destroy (opts?: { force?: boolean }): Promise<void>
  }
  export = HyperDHT
}

declare module 'hyperswarm' {
  import { EventEmitter } from 'events'
  import { Duplex } from 'streamx'
  import HyperDHT from 'hyperdht'
  namespace Hyperswarm {
    /** The encrypted connection (a NoiseSecretStream) handed to `connection` listeners. */
    interface Connection extends Duplex {
      remotePublicKey: Buffer
    }
    interface PeerInfo {
      publicKey: Buffer
      client: boolean
    }
    interface JoinOptions { server?: boolean, client?: boolean }
    /** What `join()` returns. */
    interface PeerDiscoverySession {
      flushed (): Promise<void>
      destroy (): Promise<void>
    }
  }
  class Hyperswarm extends EventEmitter {
    constructor (opts?: { dht?: HyperDHT, maxPeers?: number })
    readonly dht: HyperDHT
    readonly connections: Set<Hyperswarm.Connection>
    join (topic: Buffer, opts?: Hyperswarm.JoinOptions): Hyperswarm.PeerDiscoverySession
    leave (topic: Buffer): Promise<void>
    flush (): Promise<boolean>
    destroy (opts?: { force?: boolean }): Promise<void>
    on (event: 'connection', fn: (conn: Hyperswarm.Connection, info: Hyperswarm.PeerInfo) => void): this
    on (event: string, fn: (...args: unknown[]) => void): this
  }
  export = Hyperswarm
}

declare module '@hyperswarm/testnet' {
  import HyperDHT from 'hyperdht'
  namespace createTestnet {
    interface Testnet {
      nodes: HyperDHT[]
      /** Addresses of the bootstrap node(s), for `new HyperDHT({ bootstrap })`. */
      bootstrap: HyperDHT.Address[]
      createNode (opts?: HyperDHT.Options): HyperDHT
      destroy (): Promise<void>
    }
  }
  function createTestnet (size?: number, opts?: { host?: string, port?: number, bootstrap?: HyperDHT.Address[] }): Promise<createTestnet.Testnet>
  export = createTestnet
}
