// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the typings must ship with dist
/// <reference path="./types/hypercore.d.ts" preserve="true" />
import { Corestore as CorestoreClass } from './store/corestore'
import { CorestoreError as CorestoreErrorClass } from './store/errors'
import type * as Types from './store/types'
import type { GroupNotifyHandle as Handle } from './store/group-notify'

// `require('corestore-ts')` must return the class itself, as `require('corestore')`
// does: `export =` gives that, and `import Corestore from 'corestore-ts'` works on
// top of it through Node's CommonJS interop (and esModuleInterop). TypeScript
// compiled to CommonJS without esModuleInterop reads `require(...).default` instead
// (TS1259 without it): `default` is the class too, so that import works as a value.
// The namespace carries the types.
const Corestore: typeof CorestoreClass & { CorestoreError: typeof CorestoreErrorClass, default: typeof CorestoreClass } =
  Object.assign(CorestoreClass, { CorestoreError: CorestoreErrorClass, default: CorestoreClass })
type Corestore = CorestoreClass

// eslint-disable-next-line @typescript-eslint/no-namespace -- types must hang off the `export =` class
declare namespace Corestore {
  export type CorestoreOptions = Types.CorestoreOptions
  export type GetOptions = Types.GetOptions
  export type SessionOptions = Types.SessionOptions
  export type ReplicateOptions = Types.ReplicateOptions
  export type KeyPair = Types.KeyPair
  export type Manifest = Types.Manifest
  export type Core = Types.Core
  export type AuditRecord = Types.AuditRecord
  export type GroupNotifyHandle = Handle
  export type CorestoreErrorCode = import('./store/errors').CorestoreErrorCode
}

export = Corestore
