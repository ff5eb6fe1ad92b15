import type Hypercore = require('hypercore')
import { resolveAuth, type Auth, type AuthScope } from './core-auth'
import { sessionConfig } from './session-config'
import { STORAGE_EMPTY } from './errors'
import { checkGetOptions, isSet, type CheckedGetOptions } from './validate'
import type { SessionTracker } from './session-tracker'
import type { Core, CorestoreStorage, GetOptions } from './types'

/** What get() needs of the store session it opens a session on (the store passes itself). */
export interface SessionHost extends AuthScope {
  readonly storage: CorestoreStorage
  /** Hypercore sessions opened through this store session. */
  readonly sessions: SessionTracker
  /** True when sessions are opened read-only by default. */
  readonly readOnly: boolean
  readonly opened: boolean
  ready (): Promise<void>
  /** Throws CORESTORE_CLOSED if the store session or its root is closing. */
  assertOpen (): void
  /** The shared core for an auth, made (and tracked) if not open. */
  openCore (auth: Auth, opts: GetOptions, id?: string): Core
  /** The hypercore session for a config; `preloading` when its core is still being found. */
  makeSession (conf: Hypercore.SessionConfig, preloading: boolean): Hypercore
}

/**
 * get(): a session on a core, by name, key, key pair, manifest or discovery key. A
 * known key opens its core at once (so `session.key` is there synchronously); a name
 * or a bare discovery key is looked up in storage first (the session preloads).
 * `ongc` is the store's hook for a session whose core may have gone idle.
 */
export function openSession (host: SessionHost, input: GetOptions | Uint8Array | string | undefined, ongc: (session: Hypercore) => void): Hypercore {
  host.assertOpen()
  const ids = checkGetOptions(input)
  const opts = ids.opts

  const conf = sessionConfig(opts, host.readOnly)

  if (isSet(opts.name) || isSet(opts.preload)) {
    conf.preload = preload(host, opts, ids, false, ongc)
    return host.makeSession(conf, true)
  }
  if (ids.discoveryKey !== null && ids.key === null && !isSet(opts.manifest)) {
    conf.preload = preload(host, opts, ids, true, ongc)
    return host.makeSession(conf, true)
  }

  const auth = resolveAuth(host, null, opts, ids)
  const id = auth.discoveryKey.toString('hex')
  const core = host.openCore(auth, opts, id)
  conf.core = core
  conf.sessions = host.sessions.get(id)
  conf.ongc = ongc
  return host.makeSession(conf, false)
}

async function preload (host: SessionHost, opts: GetOptions, ids: CheckedGetOptions, mustExist: boolean, ongc: (session: Hypercore) => void): Promise<Hypercore.SessionConfig> {
  if (mustExist && !(await host.storage.hasCore(ids.discoveryKey as Buffer))) {
    throw STORAGE_EMPTY('No Hypercore is stored here')
  }
  if (isSet(opts.preload)) {
    opts = { ...opts, ...(await opts.preload) }
    ids = checkGetOptions(opts)
  }
  if (!host.opened) await host.ready()

  const discoveryKey = isSet(opts.name)
    ? await host.storage.getAlias({ name: opts.name as string | Buffer, namespace: host.ns })
    : null
  host.assertOpen()

  const auth = resolveAuth(host, discoveryKey, opts, ids)
  const id = auth.discoveryKey.toString('hex')
  const sessions = host.sessions
  return {
    core: host.openCore(auth, opts, id),
    // Read when hypercore spreads this object, in the same tick as it pushes the
    // session: a list fetched now could be dropped (emptied by another session's
    // close) before then, and the session would land in a list nobody tracks.
    get sessions () { return sessions.get(id) },
    ongc,
    manifest: opts.manifest ?? null,
    encryption: opts.encryption ?? null,
    encryptionKey: opts.encryptionKey ?? null,
    isBlockKey: opts.isBlockKey === true
  }
}

/**
 * Keeps a preloading session in `pending` until it is ready: until then it is in no
 * tracker, and the store's close() must still see it. A session whose preload failed
 * (store closed, core not stored, bad preload) never opened, and hypercore leaves it
 * `closed: false` with a `close()` that rethrows the open error. It holds nothing: it
 * is marked closed, as hypercore does when the core fails to open, so `close()` resolves.
 */
export function trackPreloading (pending: Set<Hypercore>, session: Hypercore): void {
  pending.add(session)
  const settle = (): void => { pending.delete(session) }
  session.ready().then(settle, () => {
    settle()
    if (session.closed || session.opened) return
    session.closed = true
    session.emit('close')
  })
}
