import type { CoreTracker } from './core-tracker'
import type { StreamTracker } from './stream-tracker'
import type { CorestoreStorage } from './types'

/** What closing a root store needs of it. */
export interface RootCloseHost {
  /** Its live store sessions (`session()`, `namespace()`). */
  readonly corestores: ReadonlySet<{ close (): Promise<void> }>
  readonly cores: CoreTracker
  readonly streamTracker: StreamTracker
  readonly storage: CorestoreStorage
}

/**
 * The root store's part of close(), its own sessions already closing (`closing`):
 * closes its store sessions and waits for all of them, then closes its cores, the
 * channels still opening on the replication streams, and last the storage.
 */
export async function closeRoot (host: RootCloseHost, closing: Array<Promise<void>>): Promise<void> {
  for (const store of host.corestores) closing.push(store.close())
  await Promise.all(closing)
  // The streams are the caller's (as upstream): closing the cores closes their channels,
  // then any channel of theirs still opening is closed too; the streams stay open until
  // their owner destroys them.
  const ids = host.cores.ids()
  await host.cores.close()
  host.streamTracker.closeChannels(ids)
  host.streamTracker.clear()
  await host.storage.close()
}
