import type { Mutant } from './mutant'
import { gcIgnoresLiveSessions } from './gc-ignores-live-sessions'
import { sessionCountOffByOne } from './session-count-off-by-one'
import { gcOneStrikeEarly } from './gc-one-strike-early'
import { namespaceDropped } from './namespace-dropped'
import { collectDropsAnyCore } from './collect-drops-any-core'
import { closeIgnoresPending } from './close-ignores-pending'
import { closeDestroysStreams } from './close-destroys-streams'
import { attachSkipsStored } from './attach-skips-stored'
import { newCoresNotAttached } from './new-cores-not-attached'
import { rootCloseSkipsSessions } from './root-close-skips-sessions'
import { storageCloseNotAwaited } from './storage-close-not-awaited'
import { attachSkipsGcClosed } from './attach-skips-gc-closed'
import { remoteBlockCorrupted } from './remote-block-corrupted'
import { appendNotAtomic } from './append-not-atomic'
import { findingPeersSkipsLateSessions } from './finding-peers-skips-late-sessions'
import { findingPeersSkipsEarlySessions } from './finding-peers-skips-early-sessions'
import { groupDestroyRemovesLast } from './group-destroy-removes-last'
import { sharedStreamCloseUnpairsAll } from './shared-stream-close-unpairs-all'
import { namedGetOverwrites } from './named-get-overwrites'
import { closedStoreErrorIsBadArgument } from './closed-store-error-is-bad-argument'
import { coreOptionsDropped } from './core-options-dropped'
import { waitOptionsDroppedOnPreload } from './wait-options-dropped-on-preload'
import { remoteCoreNeverCollected } from './remote-core-never-collected'
import { gcClosesFlushingCore } from './gc-closes-flushing-core'
import { appendSwallowsWriteError } from './append-swallows-write-error'
import { attachLeaksOnDeadStream } from './attach-leaks-on-dead-stream'
import { getSkipsClosingCore } from './get-skips-closing-core'
import { attachOpensAfterClose } from './attach-opens-after-close'
import { gcSkipsRecheck } from './gc-skips-recheck'
import { beeReaderStaleSession } from './bee-reader-stale-session'
import { baseApplyDropsNode } from './base-apply-drops-node'
import { driveCheckoutReadsLive } from './drive-checkout-reads-live'
import { resumeDoesNothing } from './resume-does-nothing'
import { suspendClosesCores } from './suspend-closes-cores'
import { oneWayBothWays } from './one-way-both-ways'

/** Every planted bug, in the order `npm run mutants` runs them. */
export const MUTANTS: readonly Mutant[] = [
  gcIgnoresLiveSessions,
  sessionCountOffByOne,
  gcOneStrikeEarly,
  namespaceDropped,
  collectDropsAnyCore,
  closeIgnoresPending,
  closeDestroysStreams,
  attachSkipsStored,
  newCoresNotAttached,
  rootCloseSkipsSessions,
  storageCloseNotAwaited,
  attachSkipsGcClosed,
  remoteBlockCorrupted,
  appendNotAtomic,
  findingPeersSkipsLateSessions,
  findingPeersSkipsEarlySessions,
  groupDestroyRemovesLast,
  sharedStreamCloseUnpairsAll,
  namedGetOverwrites,
  closedStoreErrorIsBadArgument,
  coreOptionsDropped,
  waitOptionsDroppedOnPreload,
  remoteCoreNeverCollected,
  gcClosesFlushingCore,
  appendSwallowsWriteError,
  attachLeaksOnDeadStream,
  getSkipsClosingCore,
  attachOpensAfterClose,
  gcSkipsRecheck,
  beeReaderStaleSession,
  baseApplyDropsNode,
  driveCheckoutReadsLive,
  resumeDoesNothing,
  suspendClosesCores,
  oneWayBothWays
]

/** A mutant by name; throws with the list of names if unknown. */
export function findMutant (name: string): Mutant {
  const m = MUTANTS.find((q) => q.name === name)
  if (m === undefined) throw new Error(`unknown mutant ${JSON.stringify(name)}; known: ${MUTANTS.map((q) => q.name).join(', ')}`)
  return m
}
