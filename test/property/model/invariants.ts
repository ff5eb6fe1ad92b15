import type { StoreModel } from './store-model'
import { short, type StoreWorld } from './store-world'

/** A broken invariant: the message says what the model expected and what the store did. */
export class InvariantError extends Error {
  constructor (msg: string) {
    super(`INVARIANT: ${msg}`)
    this.name = 'InvariantError'
  }
}

function fail (msg: string): never {
  throw new InvariantError(msg)
}

/**
 * Every live session is open, on the core the root store tracks for its key, and that
 * core is open: GC never took a core from under a live session.
 */
export function checkLiveSessions (m: StoreModel, w: StoreWorld): void {
  for (const s of m.sessions) {
    const real = w.session(s.id)
    if (!s.open) {
      if (!real.closed) fail(`session#${s.id} (${s.core}) should be closed, is open`)
      continue
    }
    if (real.closed || real.closing !== null) fail(`session#${s.id} (${s.core}) was closed under the caller`)
    const core = real.core
    if (core === null || core.closed || core.closing !== null) fail(`session#${s.id}: its core ${s.core} was closed while the session is live`)
    const keys = w.keysOf(s.core)
    const tracked = w.root.cores.get(keys.id)
    if (tracked !== core) {
      fail(`session#${s.id}: the store tracks ${tracked === null ? 'no core' : 'another core'} for ${s.core} (${short(keys.id)}), not the session's`)
    }
    const want = m.cores.get(s.core)?.length ?? 0
    if (real.length !== want) fail(`session#${s.id}: ${s.core} has length ${real.length}, acknowledged ${want}`)
  }
}

/**
 * Session accounting: each store session lists exactly the sessions the model says it
 * opened, per core; a core is tracked exactly while it has sessions or is in its GC
 * grace; closed store sessions are closed.
 */
export function checkAccounting (m: StoreModel, w: StoreWorld): void {
  checkLiveSessions(m, w)
  for (const ms of m.stores) {
    const store = w.store(ms.id)
    if (!ms.open) {
      if (!store.closed) fail(`store#${ms.id} should be closed, is ${store.closing === null ? 'open' : 'still closing'}`)
      continue
    }
    if (store.closing !== null) fail(`store#${ms.id} is closing, the model has it open`)
    let withSessions = 0
    for (const core of m.cores.values()) {
      const keys = w.keys.get(core.id)
      const want = m.liveSessionsIn(ms.id, core.id)
      if (want > 0) withSessions++
      if (keys === undefined) continue
      const got = store.sessions.list(keys.id).length
      if (got !== want) fail(`store#${ms.id} lists ${got} session(s) on ${core.id}, the model has ${want}`)
    }
    if (store.sessions.size !== withSessions) fail(`store#${ms.id} tracks sessions on ${store.sessions.size} core(s), the model on ${withSessions}`)
  }
  let tracked = 0
  for (const core of m.cores.values()) {
    const keys = w.keys.get(core.id)
    const want = m.tracked(core.id)
    if (want) tracked++
    if (keys === undefined) continue
    const real = w.root.cores.get(keys.id)
    if (want && real === null) {
      const why = m.liveSessionsOn(core.id) > 0 ? 'it has live sessions' : `it went idle at t=${String(core.idleSinceMs)} ms and GC may close it only at t=${(core.idleSinceMs ?? 0) + m.graceMs} ms`
      fail(`t=${m.nowMs} ms: ${core.id} is not tracked (collected or lost) but ${why}`)
    }
    if (!want && real !== null) fail(`t=${m.nowMs} ms: ${core.id} is still open with no session, past its GC grace of ${m.graceMs} ms`)
    // The core's own count (hypercore's non-weak sessions) agrees with the store's and the model's.
    if (real !== null && real.activeSessions !== m.liveSessionsOn(core.id)) {
      fail(`${core.id}: the core counts ${real.activeSessions} active session(s), the model ${m.liveSessionsOn(core.id)}`)
    }
  }
  const real = [...w.root.cores].length
  if (real !== tracked) fail(`the root store tracks ${real} live core(s), the model ${tracked}`)
}
