import type Hypercore = require('hypercore')
import type { AuditRecord, CorestoreStorage, GetOptions } from './types'

/** What `auditStore` needs of a store (the store passes itself). */
export interface AuditHost {
  readonly storage: CorestoreStorage
  get (opts: GetOptions): Hypercore
}

/** Audits every migrated core in storage, one at a time, closing each after. */
export async function * auditStore (store: AuditHost, { dryRun = false }: { dryRun?: boolean } = {}): AsyncGenerator<AuditRecord> {
  for await (const { discoveryKey, core: record } of store.storage.createCoreStream()) {
    if (record.version < 1) continue // not migrated: nothing hypercore 11 can audit
    const session = store.get({ discoveryKey, active: false })
    await session.ready()
    try {
      const audit = await (session.core as NonNullable<typeof session.core>).audit({ dryRun })
      yield { discoveryKey, key: session.key, audit }
    } finally {
      await session.close().catch(noop)
    }
  }
}

function noop (): void {}
