/**
 * The operations a race scenario runs concurrently, in an order fc.scheduler picks.
 * `keeper` is a session that held the core before the race.
 */
export type RaceOp =
  | 'get-key' // store.get({ key }): synchronous open, resumes the core
  | 'get-name' // store.get({ name }): preloads (storage.getAlias) before opening
  | 'get-dk' // store.get({ discoveryKey }): preloads (storage.hasCore) before opening
  | 'child' // keeper.session(): a session that bypasses the store
  | 'close-keeper' // keeper.close(): the core goes idle
  | 'close-store' // closes the store session the keeper came from
  | 'tick' // one GC interval passes: GC may close the core
  | 'attach' // a peer asks for the core over replication: dynamic attach
  | 'close-root' // the root store closes in the middle of it all

/** Every race op, for the arbitrary. */
export const RACE_OPS: readonly RaceOp[] = ['get-key', 'get-name', 'get-dk', 'child', 'close-keeper', 'close-store', 'tick', 'attach', 'close-root']

/** Ops that hand back a session which must work (or, with close-root, be closed by it). */
export function opensSession (op: RaceOp): boolean {
  return op === 'get-key' || op === 'get-name' || op === 'get-dk' || op === 'child'
}

/** The setup a race starts from. */
export interface RaceSetup {
  /** gcStrikes of the store (GC interval 100 ms). */
  strikes: number
  /** Whether the keeper is still open when the race starts; if not, the next GC tick collects the core. */
  keeperOpen: boolean
  /** Whether the keeper was opened through `root.session()` rather than the root. */
  viaStoreSession: boolean
}

/** Why an op does nothing in a setup (shown in the steps), or null if it runs. */
export function skipReason (op: RaceOp, setup: RaceSetup): string | null {
  if ((op === 'child' || op === 'close-keeper') && !setup.keeperOpen) return 'keeper already closed'
  if (op === 'close-store' && !setup.viaStoreSession) return 'keeper not from a store session'
  return null
}

/** The op as code, for the steps. */
export function opLabel (op: RaceOp): string {
  switch (op) {
    case 'get-key': return 'A.get({ key })'
    case 'get-name': return "A.get({ name: 'c' })"
    case 'get-dk': return 'A.get({ discoveryKey })'
    case 'child': return 'keeper.session()'
    case 'close-keeper': return 'keeper.close()'
    case 'close-store': return 'S.close()'
    case 'tick': return 'advance 100 ms (GC tick; the close it starts runs on)'
    case 'attach': return 'B.get({ key }) over the pipe (A attaches the core on demand)'
    case 'close-root': return 'A.close()'
  }
}
