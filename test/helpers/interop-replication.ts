import type { Teardown } from './create'
import { tmpDir } from './create'
import type { Asserts } from './interop-fixture'
import { connect, localBlocks, makeBlocks, waitForLength, type Implementation, type StoreLike } from './interop'

/** How the serving side holds the core when replication starts. */
export interface ServeOptions {
  /**
   * True: the serving store was reopened and has the core on disk only, so it must
   * open and attach it when the remote asks for its discovery key (dynamic attach).
   * False: the core is open on the serving side.
   */
  stored: boolean
}

const FIRST = 5
const LATE = 3

/**
 * `writer` makes a named core and serves it to `reader`, which opens the core only
 * after replication started and downloads it; then the writer appends more, which
 * must reach the reader over the same link. Closes every store and stream.
 */
export async function serveOneWay (t: Asserts & Teardown, writer: Implementation, reader: Implementation, opts: ServeOptions): Promise<void> {
  const wdir = await tmpDir(t)
  const rdir = await tmpDir(t)

  let serving: StoreLike = new writer.Store(wdir)
  t.teardown(() => serving.close())
  const first = serving.get({ name: 'feed' })
  await first.append(makeBlocks('feed', FIRST))
  const key = first.key as Buffer
  const discoveryKey = first.discoveryKey as Buffer

  const opened: string[] = []
  if (opts.stored) {
    await first.close()
    await serving.close()
    serving = new writer.Store(wdir)
    await serving.ready()
    serving.watch((core) => opened.push(core.discoveryKey.toString('hex')))
  }

  const reading = new reader.Store(rdir)
  t.teardown(() => reading.close())
  await reading.ready()
  const link = connect(serving, reading)
  t.teardown(() => link.close())

  const copy = reading.get({ key })
  await copy.ready()
  await waitForLength(copy, FIRST)
  const got: Array<Buffer | null> = []
  for (let i = 0; i < FIRST; i++) got.push(await copy.get(i))
  t.alike(got, makeBlocks('feed', FIRST), `${reader.label} reads what ${writer.label} wrote`)
  t.is(copy.writable, false, 'the reader cannot write')
  if (opts.stored) {
    t.alike(opened, [discoveryKey.toString('hex')], `${writer.label} opened the stored core when asked for it, not before`)
  }

  // An append after replication started: on the stored side through a new session on the attached core.
  const late = opts.stored ? serving.get({ name: 'feed' }) : first
  await late.append(makeBlocks('feed', LATE, FIRST))
  await waitForLength(copy, FIRST + LATE)
  const lateGot: Array<Buffer | null> = []
  for (let i = FIRST; i < FIRST + LATE; i++) lateGot.push(await copy.get(i))
  t.alike(lateGot, makeBlocks('feed', LATE, FIRST), `${reader.label} gets blocks appended after replication started`)
  t.is(copy.length, FIRST + LATE, 'reader length')

  await copy.close()
  await late.close()
  await link.close()
  await reading.close()
  await serving.close()
}

/**
 * Each store writes a core and reads the other's over one link: both directions
 * at once. Closes every store and stream.
 */
export async function exchange (t: Asserts & Teardown, a: Implementation, b: Implementation): Promise<void> {
  const storeA = new a.Store(await tmpDir(t))
  t.teardown(() => storeA.close())
  const storeB = new b.Store(await tmpDir(t))
  t.teardown(() => storeB.close())

  const mineA = storeA.get({ name: 'mine' })
  const mineB = storeB.get({ name: 'mine' })
  await mineA.append(makeBlocks(a.label, 4))
  await mineB.append(makeBlocks(b.label, 4))
  t.unlike(mineA.key, mineB.key, 'different primary keys give different keys')

  const link = connect(storeA, storeB)
  t.teardown(() => link.close())
  const theirsInA = storeA.get({ key: mineB.key as Buffer })
  const theirsInB = storeB.get({ key: mineA.key as Buffer })

  await Promise.all([waitForLength(theirsInA, 4), waitForLength(theirsInB, 4)])
  await Promise.all([theirsInA.download({ start: 0, end: 4 }).done(), theirsInB.download({ start: 0, end: 4 }).done()])
  t.alike(await localBlocks(theirsInA, 4), makeBlocks(b.label, 4), `${a.label} reads ${b.label}`)
  t.alike(await localBlocks(theirsInB, 4), makeBlocks(a.label, 4), `${b.label} reads ${a.label}`)

  for (const session of [theirsInA, theirsInB, mineA, mineB]) await session.close()
  await link.close()
  await storeA.close()
  await storeB.close()
}
