import Hypercore = require('hypercore')
import { isSet } from './validate'
import type { Auth } from './core-auth'
import type { CoreTracker } from './core-tracker'
import type { StreamTracker } from './stream-tracker'
import type { Core, CorestoreStorage, GetOptions } from './types'

/** What opening a shared core needs of the store session asking for it. */
export interface SharedCoreHost {
  readonly storage: CorestoreStorage
  /** Open cores of the root store, by discovery key. */
  readonly cores: CoreTracker
  /** Replication streams of the root store: a core that starts downloading joins them. */
  readonly streamTracker: StreamTracker
  /** Whether downloading cores attach to replication streams. */
  readonly active: boolean
  /** Shared block cache passed to every core, or null. */
  readonly globalCache: unknown
  /** Namespace of named cores. */
  readonly ns: Buffer
}

/**
 * The shared core (one per discovery key and root store) for an auth: the open one,
 * or a new one made and tracked, hooked to GC, group updates and replication.
 * `ongroupupdate` receives the core's group activity.
 */
export function openSharedCore (host: SharedCoreHost, auth: Auth, opts: GetOptions, id: string, ongroupupdate: (topic: Buffer, update: unknown) => void): Core {
  const existing = host.cores.resume(id)
  if (existing !== null && existing.closing === null) return existing

  const core = Hypercore.createCore(host.storage, {
    // A closing core of the same key must finish before this one opens the same rows.
    preopen: existing !== null && existing.opened ? existing.closing : null,
    eagerUpgrade: true,
    notDownloadingLinger: opts.notDownloadingLinger,
    allowFork: opts.allowFork !== false,
    allowPush: opts.allowPush === true,
    alwaysLatestBlock: opts.allowLatestBlock === true,
    inflightRange: opts.inflightRange,
    compat: false,
    force: opts.force,
    createIfMissing: opts.createIfMissing,
    discoveryKey: auth.discoveryKey,
    overwrite: opts.overwrite,
    key: auth.key,
    keyPair: auth.keyPair,
    legacy: opts.legacy,
    manifest: auth.manifest,
    group: (opts.group as Buffer | undefined) ?? null,
    globalCache: opts.globalCache ?? host.globalCache ?? null,
    alias: isSet(opts.name) ? { name: opts.name as string | Buffer, namespace: host.ns } : null
  })
  // hypercore calls onidle unopened only when the open failed: forget that core at
  // once, or every later get() of the key would share its error until GC ran.
  core.onidle = () => {
    if (core.opened) host.cores.gc(core)
    else host.cores.drop(core)
  }
  core.ongroupupdate = ongroupupdate
  core.replicator.ondownloading = () => {
    if (host.active) host.streamTracker.attachAll(core)
  }
  host.cores.set(id, core)
  return core
}
