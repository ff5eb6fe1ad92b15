// The crash guarantee, written once and checked against every kind of crash: a real
// SIGKILL of a writer process (crash.test, crash-agreement.test) and the simulator's
// crash of a writer peer (crash-agreement.test). What it says (docs/ARCHITECTURE.md,
// Simulator): every acknowledged append is kept; the one append in flight is kept
// whole or dropped whole; every block is exact, contiguousLength equals length and a
// dry-run audit is clean; the writer resumes at that length under the same key.
import type Hypercore from 'hypercore'
import Corestore from '../../src'
import type { T } from './assert'

/** One core's dry-run audit, reduced to what the guarantee needs. */
export interface AuditSummary {
  corrupt: boolean
  /** Blocks, tree nodes and bits the audit would drop. */
  dropped: number
  /** Blocks the audit counted. */
  blocks: unknown
}

/** What the writer had been told before it died. */
export interface Acknowledged {
  /** Length after the last append whose promise resolved (else the length it opened at). */
  acked: number
  /** Blocks of the one append started and not resolved when it died; 0 if none. */
  inFlight: number
  /** Length found in the folder before this writer started (0 if it never held the core). */
  storedBefore: number
  /** The core's key as last seen before the crash; null if never seen. */
  key: Buffer | null
}

/** What the folder holds once reopened. */
export interface Found {
  length: number
  contiguous: number
  /** First index whose block is missing or not the expected content, or -1. */
  firstBad: number
  key: Buffer
  /** One entry per audited core. */
  audits: AuditSummary[]
}

/** Blocks are read in chunks of this many, in parallel within a chunk. */
const READ_CHUNK = 256

/**
 * Reads a ready core back: its length, contiguous length, key, and the first block
 * that is missing or differs from `expected(index)`. Never waits for peers.
 */
export async function readCore (core: Hypercore, expected: (index: number) => Buffer): Promise<Omit<Found, 'audits'>> {
  const length = core.length
  const contiguous = core.contiguousLength
  let firstBad = -1
  for (let start = 0; start < length && firstBad === -1; start += READ_CHUNK) {
    const indexes = Array.from({ length: Math.min(READ_CHUNK, length - start) }, (_, i) => start + i)
    const blocks = await Promise.all(indexes.map((i) => core.get(i, { wait: false })))
    const bad = blocks.findIndex((block, i) => block === null || !block.equals(expected(start + i)))
    if (bad !== -1) firstBad = start + bad
  }
  return { length, contiguous, firstBad, key: core.key as Buffer }
}

/** A store that can audit its cores (ours; corestore 7 has the same method). */
export interface Auditable {
  audit (opts: { dryRun: boolean }): AsyncIterable<{ audit: Hypercore.AuditResult }>
}

/** Audits every core of a store without repairing anything. */
export async function auditStore (store: Auditable): Promise<AuditSummary[]> {
  const audits: AuditSummary[] = []
  for await (const { audit } of store.audit({ dryRun: true })) {
    audits.push({
      corrupt: audit.corrupt,
      dropped: audit.droppedBlocks + audit.droppedTreeNodes + audit.droppedBits,
      blocks: audit.blocks
    })
  }
  return audits
}

/** Options of `readFolder()`. */
export interface ReadFolderOptions {
  /** The writer's primary key, if it was given one. */
  primaryKey?: Buffer
  /** Runs the store's opening (the simulator opens stores with the real Date). Default: as is. */
  opening?: (open: () => Promise<void>) => Promise<void>
}

/**
 * Opens a folder in a store of its own, reads the named core back and audits every
 * core without repairing: what the folder holds after a crash, seen from outside the
 * writer.
 */
export async function readFolder (dir: string, name: string, expected: (index: number) => Buffer, opts: ReadFolderOptions = {}): Promise<Found> {
  const store = new Corestore(dir, opts.primaryKey === undefined ? {} : { primaryKey: opts.primaryKey })
  try {
    await (opts.opening ?? ((open) => open()))(() => store.ready())
    const core = store.get({ name })
    await core.ready()
    const read = await readCore(core, expected)
    await core.close()
    return { ...read, audits: await auditStore(store) }
  } finally {
    await store.close()
  }
}

/**
 * One audited core (none while nothing was ever stored), nothing corrupt, nothing to
 * drop, every block counted.
 */
export function auditClean ({ audits, length }: Pick<Found, 'audits' | 'length'>, storedBefore: number): boolean {
  if (audits.length === 0) return length === 0 && storedBefore === 0
  return audits.length === 1 && audits.every((a) => !a.corrupt && a.dropped === 0 && a.blocks === length)
}

/** One condition of the guarantee: whether it held, and what it says. */
export interface Condition {
  ok: boolean
  what: string
}

/** The conditions of the crash guarantee on what a crash left, without asserting them. */
export function crashConditions (before: Acknowledged, found: Found): Condition[] {
  const { acked, inFlight } = before
  const out: Condition[] = [
    { ok: found.length >= acked, what: `length ${found.length} holds every acknowledged append (last ack ${acked})` },
    {
      ok: found.length === acked || found.length === acked + inFlight,
      what: `beyond the last ack there is nothing or the whole append in flight (${inFlight} blocks), found ${found.length - acked}`
    },
    { ok: found.firstBad === -1, what: `every block has its exact content (first bad ${found.firstBad})` },
    { ok: found.contiguous === found.length, what: `every block up to the length is held (contiguous ${found.contiguous})` },
    { ok: auditClean(found, before.storedBefore), what: `audit clean ${JSON.stringify(found.audits)}` }
  ]
  if (before.key !== null) out.push({ ok: found.key.equals(before.key), what: 'the core keeps its key' })
  return out
}

/** Asserts the crash guarantee on what a crash left, one assertion per condition. */
export function checkCrash (t: T, label: string, before: Acknowledged, found: Found): void {
  for (const c of crashConditions(before, found)) t.ok(c.ok, `${label}: ${c.what}`)
}

/** The writer that came back after a crash. */
export interface Resumed {
  /** Length it opened the core at. */
  openedAt: number
  /** Key of the core it opened; null if it did not report one. */
  key: Buffer | null
  /** Its appends after reopening, if it made any. */
  appended?: {
    /** Blocks it appended. */
    blocks: number
    /** Length its last append resolved with. */
    length: number
    /** The folder read back after them. */
    found: Found
  }
}

/**
 * The conditions of a resumed writer: it opened where the crash left the core
 * (`stored`, under `key`), and what it appended then is stored, exact and clean.
 */
export function resumeConditions (stored: number, key: Buffer | null, resumed: Resumed): Condition[] {
  const out: Condition[] = [{ ok: resumed.openedAt === stored, what: `the writer resumes at the stored length ${stored} (opened at ${resumed.openedAt})` }]
  if (key !== null && resumed.key !== null) out.push({ ok: resumed.key.equals(key), what: 'the writer resumes under the same key' })
  const appended = resumed.appended
  if (appended !== undefined) {
    const { found } = appended
    out.push(
      { ok: appended.length === stored + appended.blocks, what: `the writer appended its ${appended.blocks} blocks after it (to ${appended.length})` },
      {
        ok: found.length === appended.length && found.firstBad === -1 && found.contiguous === found.length && auditClean(found, stored),
        what: `the new appends are stored and clean (length ${found.length}, first bad ${found.firstBad}, contiguous ${found.contiguous})`
      }
    )
  }
  return out
}

/** Asserts that the writer resumed after the crash, one assertion per condition. */
export function checkResume (t: T, label: string, stored: number, key: Buffer | null, resumed: Resumed): void {
  for (const c of resumeConditions(stored, key, resumed)) t.ok(c.ok, `${label}: ${c.what}`)
}
