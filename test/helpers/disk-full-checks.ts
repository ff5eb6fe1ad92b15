// What must hold when a writer's disk fills up, checked the same way on a real full
// filesystem (test/integration/disk-full.test.ts, a 4 MiB tmpfs) and on the simulator's
// `disk-full` fault. One block per append; block i is `content(i)`.
import { errorCode } from '../../src/sim'

/** How one append ended. */
export type AppendOutcome = { ok: true, length: number } | { ok: false, code: string, message: string }

/** A writer whose disk can be filled and freed. */
export interface DiskFullSubject {
  readonly name: string
  /** Appends block `index` (the next one) to the core. */
  append (index: number): Promise<AppendOutcome>
  /** The core's length as the writer sees it. */
  length (): number
  /** Block `index`, read locally. */
  get (index: number): Promise<Buffer | null>
  /** Makes the disk (nearly) full: appends fail within `APPENDS_MAX`. */
  fill (): Promise<void>
  /** Frees the space. */
  free (): Promise<void>
  /** Closes the store cleanly (must resolve) and opens it again from its folder. */
  restart (): Promise<void>
  /** Errors nobody could catch (unhandled rejections, uncaught exceptions) so far. */
  uncaught (): unknown[]
}

/** The slice of a brittle test the checker uses. */
export interface Asserts {
  ok (value: unknown, message?: string): void
  is (actual: unknown, expected: unknown, message?: string): void
  alike (actual: unknown, expected: unknown, message?: string): void
  comment (message: string): void
}

/** Appends tried before the disk must have filled. */
export const APPENDS_MAX = 4000

/** Runs an append and turns its outcome into data (the error's code: its own or its cause's). */
export async function outcomeOf (appending: Promise<{ length: number }>): Promise<AppendOutcome> {
  try {
    return { ok: true, length: (await appending).length }
  } catch (err) {
    return { ok: false, code: errorCode(err), message: String((err as Error).message) }
  }
}

/**
 * Fills the disk under an appending writer and checks, in order:
 * 1. an append fails, with ENOSPC as the code of the error or its cause (not a crash);
 * 2. it is not half there: the length is the acknowledged one, or one block more;
 *    every acknowledged block reads back exact;
 * 3. while full, appends keep failing with ENOSPC;
 * 4. once freed, appends still fail in place: RocksDB refuses writes after a failed
 *    write-ahead-log append until it is reopened (SimDisk models exactly this);
 * 5. the store closes cleanly and reopens; every acknowledged block is there, exact,
 *    and nothing beyond but the one failed block whole; appends work again;
 * 6. nothing was thrown where nobody could catch it.
 */
export async function checkDiskFull (t: Asserts, s: DiskFullSubject, content: (index: number) => Buffer): Promise<void> {
  let acked = s.length()
  await s.fill()
  let failure: AppendOutcome | null = null
  for (let i = 0; i < APPENDS_MAX && failure === null; i++) {
    const out = await s.append(acked)
    if (out.ok) acked = out.length
    else failure = out
  }
  t.ok(failure !== null, `${s.name}: an append failed once the disk was full (after ${acked} acknowledged blocks)`)
  if (failure === null || failure.ok) return
  t.is(failure.code, 'ENOSPC', `${s.name}: the failed append's error carries ENOSPC (${failure.message})`)
  const inPlace = s.length()
  t.ok(inPlace === acked || inPlace === acked + 1, `${s.name}: the failed append is not half there (length ${inPlace}, ${acked} acknowledged)`)
  t.ok(await blocksExact(s, 0, acked, content), `${s.name}: every acknowledged block reads back exact while the disk is full`)

  const again = await s.append(inPlace)
  t.alike(again.ok ? 'ok' : again.code, 'ENOSPC', `${s.name}: appends keep failing with ENOSPC while full`)

  await s.free()
  const afterFree = await s.append(s.length())
  t.alike(afterFree.ok ? 'ok' : afterFree.code, 'ENOSPC', `${s.name}: freed, the open database still refuses writes (RocksDB needs a reopen)`)

  await s.restart()
  const length = s.length()
  t.ok(length === acked || length === acked + 1, `${s.name}: after a restart length ${length}: the ${acked} acknowledged blocks, plus at most the failed one, whole`)
  t.ok(await blocksExact(s, 0, length, content), `${s.name}: every block reads back exact after the restart`)
  const resumed = await s.append(length)
  t.alike(resumed, { ok: true, length: length + 1 }, `${s.name}: appends work again after the restart`)
  t.alike(s.uncaught().map(String), [], `${s.name}: no unhandled rejection or uncaught exception`)
}

async function blocksExact (s: DiskFullSubject, from: number, to: number, content: (index: number) => Buffer): Promise<boolean> {
  for (let i = from; i < to; i++) {
    const block = await s.get(i)
    if (block === null || !block.equals(content(i))) return false
  }
  return true
}
