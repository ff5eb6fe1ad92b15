import type Hypercore from 'hypercore'
import type { KeyPair } from '../../src/store/types'

/** The part of upstream corestore 7.12.5 that the differential tests drive. */
export interface UpstreamStore {
  primaryKey: Buffer | null
  ready (): Promise<void>
  close (): Promise<void>
  get (opts: Record<string, unknown>): Hypercore
  session (opts?: Record<string, unknown>): UpstreamStore
  namespace (name: string | Buffer): UpstreamStore
  createKeyPair (name: string | Buffer, ns?: Buffer): Promise<KeyPair>
}

type UpstreamCtor = new (storage: string, opts?: Record<string, unknown>) => UpstreamStore

/** Upstream corestore (a devDependency; tests may use it, src may not). */
// The package ships no typings: the cast gives it the narrow shape above.
export const UpstreamCorestore = require('corestore') as UpstreamCtor
