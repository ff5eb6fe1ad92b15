import type Hypercore from 'hypercore'
import crypto from 'hypercore-crypto'
import type { KeyPair, Manifest } from '../../src/store/types'
import { connect, listed, localBlocks, makeBlocks, namespaced, waitForLength, type StoreClass, type StoreLike } from './interop'

/** The slice of a brittle test the fixture checks use. */
export interface Asserts {
  is (actual: unknown, expected: unknown, message?: string): void
  alike (actual: unknown, expected: unknown, message?: string): void
  unlike (actual: unknown, expected: unknown, message?: string): void
  ok (value: unknown, message?: string): void
}

/** How a core of the fixture was made, and what it held when last written. */
export interface CoreRecord {
  label: string
  /** Namespace names from the root store; [] for the root. */
  namespaces: string[]
  /** Name of a named core, else null. */
  name: string | null
  /** Key pair of a core made from one, else null. */
  keyPair: KeyPair | null
  key: Buffer
  discoveryKey: Buffer
  writable: boolean
  manifestVersion: number | null
  length: number
  /** Every block up to `length` as stored locally; null where it is absent (sparse). */
  blocks: Array<Buffer | null>
}

/** What a storage folder holds, as the implementation that wrote it saw it. */
export interface Fixture {
  primaryKey: Buffer
  cores: CoreRecord[]
  /** `list()`, sorted hex. */
  discoveryKeys: string[]
  /** `list(ns)` of the `apps` namespace, sorted hex. */
  appsDiscoveryKeys: string[]
}

/** Named cores of the fixture: namespace path, name, number of blocks. */
const NAMED: ReadonlyArray<readonly [string[], string, number]> = [
  [[], 'alpha', 6],
  [['apps'], 'alpha', 3],
  [['apps', 'chat'], 'log', 9],
  [[], 'ünïcødé 名前 🦆', 2],
  [[], 'n'.repeat(300), 1],
  [[], 'empty', 0]
]

/** The length of the core that is replicated in, and the ranges downloaded of it. */
const REMOTE_LENGTH = 10
const REMOTE_RANGES = [{ start: 0, end: 6 }, { start: 8, end: 9 }]

/**
 * Writes a storage folder with `Store`: named cores in nested namespaces, a core
 * from a key pair, a named core with a v0 manifest, and a sparse core replicated
 * in from a second store (in `remoteDir`). Closes every store it opened.
 */
export async function writeFixture (Store: StoreClass, dir: string, remoteDir: string): Promise<Fixture> {
  const store = new Store(dir)
  try {
    await store.ready()
    const cores: CoreRecord[] = []

    for (const [namespaces, name, count] of NAMED) {
      const label = [...namespaces, name.slice(0, 20)].join('/')
      const ns = await namespaced(store, namespaces)
      const core = ns.get({ name })
      await core.ready()
      if (count > 0) await core.append(makeBlocks(label, count))
      cores.push(await record(label, core, { namespaces, name, keyPair: null }))
      await core.close()
      if (ns !== store) await ns.close()
    }

    const keyPair = crypto.keyPair()
    const fromKeyPair = store.get({ keyPair })
    await fromKeyPair.append(makeBlocks('key-pair', 5))
    cores.push(await record('key-pair', fromKeyPair, { namespaces: [], name: null, keyPair }))
    await fromKeyPair.close()

    const legacyKeyPair = await store.createKeyPair('legacy')
    const v0: Manifest = { version: 0, signers: [{ publicKey: legacyKeyPair.publicKey }] }
    const legacy = store.get({ name: 'legacy', manifest: v0 })
    await legacy.append(makeBlocks('legacy', 4))
    cores.push(await record('legacy-v0', legacy, { namespaces: [], name: 'legacy', keyPair: null }))
    await legacy.close()

    cores.push(await replicateIn(Store, store, remoteDir))

    return {
      primaryKey: store.primaryKey as Buffer,
      cores,
      discoveryKeys: await listed(store),
      appsDiscoveryKeys: await listedInApps(store)
    }
  } finally {
    await store.close()
  }
}

/** Downloads part of a core that another store writes, then closes that store. */
async function replicateIn (Store: StoreClass, store: StoreLike, remoteDir: string): Promise<CoreRecord> {
  const remote = new Store(remoteDir)
  try {
    const origin = remote.get({ name: 'origin' })
    await origin.append(makeBlocks('remote', REMOTE_LENGTH))
    const link = connect(remote, store)
    const copy = store.get({ key: origin.key as Buffer })
    try {
      await waitForLength(copy, REMOTE_LENGTH)
      for (const range of REMOTE_RANGES) await copy.download(range).done()
      return await record('replicated', copy, { namespaces: [], name: null, keyPair: null })
    } finally {
      await copy.close()
      await origin.close()
      await link.close()
    }
  } finally {
    await remote.close()
  }
}

async function record (label: string, core: Hypercore, how: Pick<CoreRecord, 'namespaces' | 'name' | 'keyPair'>): Promise<CoreRecord> {
  await core.ready()
  return {
    label,
    ...how,
    key: core.key as Buffer,
    discoveryKey: core.discoveryKey as Buffer,
    writable: core.writable,
    manifestVersion: core.manifest?.version ?? null,
    length: core.length,
    blocks: await localBlocks(core, core.length)
  }
}

/** Opens a core of the fixture the way its writer made it: by name, key pair or key. */
async function openAsMade (store: StoreLike, rec: CoreRecord): Promise<{ core: Hypercore, ns: StoreLike }> {
  const ns = await namespaced(store, rec.namespaces)
  if (rec.name !== null) return { core: ns.get({ name: rec.name }), ns }
  if (rec.keyPair !== null) return { core: ns.get({ keyPair: rec.keyPair }), ns }
  return { core: ns.get({ key: rec.key }), ns }
}

/**
 * Checks that `store` (opened on a fixture's folder) sees what the writer wrote:
 * the primary key, each core's key, length, writability and blocks, opened both
 * as made and by key, and the listed discovery keys. Closes what it opens.
 */
export async function verifyFixture (t: Asserts, store: StoreLike, fixture: Fixture, via: string): Promise<void> {
  await store.ready()
  t.alike(store.primaryKey, fixture.primaryKey, `${via}: primary key`)

  for (const rec of fixture.cores) {
    const { core, ns } = await openAsMade(store, rec)
    const byKey = store.get(rec.key)
    try {
      await core.ready()
      await byKey.ready()
      t.alike(core.key, rec.key, `${via}: ${rec.label} key`)
      t.alike(core.discoveryKey, rec.discoveryKey, `${via}: ${rec.label} discovery key`)
      t.is(core.writable, rec.writable, `${via}: ${rec.label} writable`)
      t.is(core.manifest?.version ?? null, rec.manifestVersion, `${via}: ${rec.label} manifest version`)
      t.is(byKey.length, rec.length, `${via}: ${rec.label} length`)
      t.alike(await localBlocks(byKey, byKey.length), rec.blocks, `${via}: ${rec.label} blocks`)
      if (rec.name !== null) {
        // The stored alias finds the core whatever the keys; the signer proves the derivation.
        const derived = await ns.createKeyPair(rec.name)
        t.alike(core.manifest?.signers[0]?.publicKey, derived.publicKey, `${via}: ${rec.label} key pair derived alike`)
      }
    } finally {
      await byKey.close()
      await core.close()
      if (ns !== store) await ns.close()
    }
  }

  t.alike(await listed(store), fixture.discoveryKeys, `${via}: list()`)
  t.alike(await listedInApps(store), fixture.appsDiscoveryKeys, `${via}: list(namespace)`)
}

async function listedInApps (store: StoreLike): Promise<string[]> {
  const apps = store.namespace('apps')
  try {
    return await listed(store, apps.ns)
  } finally {
    await apps.close()
  }
}

/** Checks that `audit()` visits every core of the fixture and finds nothing wrong. */
export async function verifyAuditClean (t: Asserts, store: StoreLike, fixture: Fixture, via: string): Promise<void> {
  const seen: string[] = []
  for await (const { discoveryKey, key, audit } of store.audit()) {
    const rec = fixture.cores.find((c) => c.discoveryKey.equals(discoveryKey))
    seen.push(discoveryKey.toString('hex'))
    t.alike(key, rec?.key, `${via}: audit key of ${rec?.label ?? discoveryKey.toString('hex')}`)
    t.alike(
      { corrupt: audit.corrupt, droppedTreeNodes: audit.droppedTreeNodes, droppedBlocks: audit.droppedBlocks, droppedBits: audit.droppedBits },
      { corrupt: false, droppedTreeNodes: 0, droppedBlocks: 0, droppedBits: 0 },
      `${via}: audit of ${rec?.label ?? 'unknown core'} is clean`
    )
  }
  t.alike(seen.sort(), fixture.discoveryKeys, `${via}: audit visits every core`)
}

/**
 * Appends one block to every writable core of the fixture through `store`, opened
 * as made, so the writer's keys must derive alike here; updates the fixture.
 */
export async function appendEverywhere (store: StoreLike, fixture: Fixture, via: string): Promise<void> {
  for (const rec of fixture.cores) {
    if (!rec.writable) continue
    const { core, ns } = await openAsMade(store, rec)
    try {
      const [block] = makeBlocks(`${rec.label} via ${via}`, 1, rec.length) as [Buffer]
      await core.append(block)
      rec.blocks.push(block)
      rec.length++
    } finally {
      await core.close()
      if (ns !== store) await ns.close()
    }
  }
}
