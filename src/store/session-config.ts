import type Hypercore = require('hypercore')
import type { GetOptions } from './types'

/**
 * The hypercore session options get() derives from its input, as upstream passes
 * them; the store fills in `core`, `sessions`, `ongc` or `preload` after.
 */
export function sessionConfig (opts: GetOptions, readOnly: boolean): Hypercore.SessionConfig {
  return {
    preload: null,
    sessions: null,
    ongc: null,
    core: null,
    active: opts.active !== false,
    encryption: opts.encryption ?? null,
    encryptionKey: opts.encryptionKey ?? null,
    isBlockKey: opts.isBlockKey === true,
    valueEncoding: opts.valueEncoding ?? null,
    exclusive: opts.exclusive === true,
    manifest: opts.manifest ?? null,
    keyPair: opts.keyPair ?? null,
    onwait: opts.onwait ?? null,
    pushOnly: opts.pushOnly === true,
    wait: opts.wait !== false,
    timeout: opts.timeout ?? 0,
    draft: opts.draft === true,
    writable: opts.writable === undefined && readOnly ? false : opts.writable,
    group: opts.group ?? null
  }
}
