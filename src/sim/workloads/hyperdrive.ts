import { createHash } from 'crypto'
import { requireAppPackage } from './packages'
import type { AppPeer, Operation, Workload, WorkloadContext } from './workload'

/** The hyperdrive version this workload is tested with (an optional peer dependency). */
export const HYPERDRIVE_VERSION = '13.3.4'

/** The part of a Hyperdrive (13.3) the workload uses: a Hyperbee of entries plus a blobs core. */
export interface DriveApp {
  readonly version: number
  ready (): Promise<void>
  close (): Promise<void>
  put (path: string, content: Buffer): Promise<void>
  del (path: string): Promise<void>
  get (path: string, opts?: { timeout?: number }): Promise<Buffer | null>
  checkout (version: number): DriveApp
  list (folder: string, opts?: { timeout?: number }): AsyncIterable<{ key: string }>
  readonly db: { readonly core: { update (opts: Record<string, unknown>): Promise<boolean> } }
}

type DriveConstructor = new (store: unknown, key?: Buffer | null) => DriveApp

/** What a reader saw at version `v`: file path to content digest (`-` for no file). */
export interface DriveObservation {
  peer: number
  v: number
  files: Array<[string, string]>
  /** Whether the read covered every file (a listing or a full read), not one path. */
  all: boolean
}

/** The model: the writer's files (path to digest) at every version it acknowledged, and what readers saw. */
export interface DriveState {
  key: Buffer | null
  history: Map<number, ReadonlyMap<string, string>>
  acked: number
  seen: DriveObservation[]
}

type Ctx = WorkloadContext<DriveState, DriveApp>
type Args = Record<string, string | number>

const FILES = 12
/** File sizes, in bytes: empty, small, one blob block, several (hyperblobs blocks are 64 KiB). */
const SIZES = [0, 700, 30_000, 150_000]

function fileName (i: number): string {
  return `/f${String(i).padStart(2, '0')}`
}

/** The content of a put: `size` bytes derived from (path, tag), so a digest names it. */
export function fileContent (path: string, size: number, tag: number): Buffer {
  const block = createHash('sha256').update(`${path}#${tag}`).digest()
  const out = Buffer.alloc(size)
  for (let off = 0; off < size; off += block.length) block.copy(out, off)
  return out
}

function digest (content: Buffer | null): string {
  return content === null ? '-' : `${content.length}:${createHash('sha256').update(content).digest('hex').slice(0, 12)}`
}

let Hyperdrive: DriveConstructor | null = null

function loadHyperdrive (): DriveConstructor {
  Hyperdrive ??= requireAppPackage<DriveConstructor>('hyperdrive', 'hyperdrive', HYPERDRIVE_VERSION)
  return Hyperdrive
}

/** Reads every file of a drive version: its listing, then each file's content (waits bounded). */
async function readAll (drive: DriveApp, timeoutMs: number): Promise<Array<[string, string]>> {
  const names: string[] = []
  for await (const entry of drive.list('/', { timeout: timeoutMs })) names.push(entry.key)
  const out: Array<[string, string]> = []
  for (const name of names.sort()) out.push([name, digest(await drive.get(name, { timeout: timeoutMs }))])
  return out
}

function acknowledge (ctx: Ctx, drive: DriveApp, change: (m: Map<string, string>) => void): number {
  if (ctx.abandoned) return drive.version
  const next = new Map(ctx.state.history.get(ctx.state.acked) ?? [])
  change(next)
  ctx.state.history.set(drive.version, next)
  ctx.state.acked = drive.version
  return drive.version
}

const writerOnly = (peers: readonly number[]): readonly number[] => peers.slice(0, 1)
const readersOnly = (peers: readonly number[]): readonly number[] => peers.length > 1 ? peers.slice(1) : peers

/** Reads on a checkout of the peer's drive (its current version if `at` is null), then closes it. */
async function observe (peer: AppPeer<DriveApp>, ctx: Ctx, at: number | null, path: string | null): Promise<{ v: number, n: number }> {
  const v = at ?? peer.app.version
  const snap = peer.app.checkout(v)
  try {
    await snap.ready()
    const files = path === null ? await readAll(snap, ctx.timeoutMs) : [[path, digest(await snap.get(path, { timeout: ctx.timeoutMs }))] as [string, string]]
    ctx.state.seen.push({ peer: peer.index, v, files, all: path === null })
    return { v, n: files.length }
  } finally {
    await snap.close()
  }
}

/**
 * The hyperdrive operations. Writer: `put` (content of several sizes, so blobs span
 * blocks), `del`. Readers: `read` (one file at the current version), `checkout` (every
 * file at an older version). Exported so a planted bug can replace one.
 */
export const hyperdriveOperations: Record<string, Operation<DriveState, DriveApp, Args>> = {
  put: {
    weight: 4,
    peers: writerOnly,
    args: (r) => ({ path: fileName(r.int(0, FILES - 1)), size: r.pick(SIZES), tag: r.int(0, 9999) }),
    run: async (peer, a, ctx) => {
      const content = fileContent(String(a.path), Number(a.size), Number(a.tag))
      await peer.app.put(String(a.path), content)
      return acknowledge(ctx, peer.app, (m) => m.set(String(a.path), digest(content)))
    }
  },
  del: {
    weight: 1,
    peers: writerOnly,
    args: (r) => ({ path: fileName(r.int(0, FILES - 1)) }),
    run: async (peer, a, ctx) => {
      await peer.app.del(String(a.path))
      return acknowledge(ctx, peer.app, (m) => m.delete(String(a.path)))
    }
  },
  read: {
    replicated: true,
    weight: 4,
    peers: readersOnly,
    args: (r) => ({ path: fileName(r.int(0, FILES - 1)) }),
    run: (peer, a, ctx) => observe(peer, ctx, null, String(a.path))
  },
  checkout: {
    replicated: true,
    weight: 2,
    peers: readersOnly,
    args: (r) => ({ at: r.int(0, 999) }),
    run: async (peer, a, ctx) => observe(peer, ctx, 1 + (Number(a.at) % peer.app.version), null)
  }
}

function expected (files: ReadonlyMap<string, string>, o: DriveObservation): Array<[string, string]> {
  if (!o.all) return o.files.map(([path]) => [path, files.get(path) ?? '-'])
  return [...files.keys()].sort().map((path) => [path, files.get(path) as string])
}

const show = (files: Array<[string, string]>): string => files.length === 0 ? '(none)' : files.map(([p, d]) => `${p}=${d}`).join(',')

/**
 * Hyperdrive 13.3 on the simulator (two cores per drive: a Hyperbee of entries and a
 * blobs core): the first peer writes files of several sizes and deletes some; the others
 * open the drive by key and read single files and whole older versions. Invariants as for
 * hyperbee (every read at version v matches the writer's files at v, contents included;
 * no reader ahead of the writer; acknowledged writes survive a crash), and after the heal
 * every reader reaches the writer's last version with identical files.
 */
export const hyperdriveWorkload: Workload<DriveState, DriveApp> & { requires: () => void } = {
  name: 'hyperdrive',
  requires: () => { loadHyperdrive() },
  init: () => ({ key: null, history: new Map([[1, new Map()]]), acked: 1, seen: [] }),
  async setup (peer, ctx) {
    const Ctor = loadHyperdrive()
    const writer = peer.index === ctx.peers[0]
    if (!writer && ctx.state.key === null) throw new Error('the writer has not made the drive')
    const drive = new Ctor(peer.store, writer ? null : ctx.state.key)
    await drive.ready()
    if (writer) ctx.state.key = (drive as unknown as { key: Buffer }).key
    return drive
  },
  teardown: (peer) => peer.app.close(),
  operations: hyperdriveOperations,
  invariants: {
    'reads match the writer': (ctx) => {
      const bad: string[] = []
      for (const o of ctx.state.seen.splice(0)) {
        const files = ctx.state.history.get(o.v)
        if (files === undefined) bad.push(`peer ${o.peer} read version ${o.v}, which the writer never had (acknowledged up to ${ctx.state.acked})`)
        else if (show(expected(files, o)) !== show(o.files)) bad.push(`peer ${o.peer} at version ${o.v}: ${show(o.files)}; the writer had ${show(expected(files, o))}`)
      }
      return bad
    },
    'no reader ahead of the writer': (ctx) => ctx.peers.slice(1).flatMap((p) => {
      const v = ctx.app(p)?.version ?? 0
      return v > ctx.state.acked ? [`peer ${p} is at version ${v}, the writer acknowledged up to ${ctx.state.acked}`] : []
    }),
    'acknowledged writes survive': (ctx) => {
      const drive = ctx.app(ctx.peers[0] as number)
      if (drive !== null && drive.version < ctx.state.acked) return `the writer is at version ${drive.version}, it acknowledged ${ctx.state.acked}`
    }
  },
  async check (ctx) {
    const want = ctx.state.acked
    const files = ctx.state.history.get(want) as ReadonlyMap<string, string>
    const bad: string[] = []
    for (const p of ctx.peers.slice(1)) {
      const drive = ctx.app(p)
      if (drive === null) {
        bad.push(`peer ${p} has no running drive after the heal`)
        continue
      }
      for (let waited = 0; drive.version < want && waited < 60_000; waited += 500) {
        await drive.db.core.update({ wait: true, timeout: 500 }).catch(() => false)
        if (drive.version < want) await new Promise((resolve) => setTimeout(resolve, 500))
      }
      if (drive.version !== want) {
        bad.push(`peer ${p} reached version ${drive.version}, the writer's last is ${want}`)
        continue
      }
      try {
        const o: DriveObservation = { peer: p, v: want, files: await readAll(drive, ctx.timeoutMs), all: true }
        if (show(o.files) !== show(expected(files, o))) bad.push(`peer ${p} at version ${want}: ${show(o.files)}; the writer had ${show(expected(files, o))}`)
      } catch (err) {
        bad.push(`peer ${p} could not read version ${want}: ${(err as Error).message}`)
      }
    }
    return bad
  }
}
