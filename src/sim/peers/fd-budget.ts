import fs from 'fs'

/**
 * File descriptors one simulated peer may hold at its peak. A store's RocksDB keeps
 * 8 open from the start (its folder three times, LOCK, LOG, MANIFEST, the WAL and
 * hypercore-storage's CORESTORE lock file) plus one per table file, and a 1 MiB memtable
 * seldom makes one. Measured at the peak of opening and running (the process's
 * /proc/PID/fd sampled every 0.3 s): `run --seed 7 --cores 64` peaked at 1,045 with 128
 * peers, 8,212 with 1024 and 16,404 with 2048 (8.0 per peer); 9 leaves room for
 * crash-heavy seeds.
 * max_open_files would not lower it: it caps table files, not these eight.
 */
export const FDS_PER_PEER = 9

/** Descriptors the process needs besides its peers (node, stdio, IPC, the trace file). */
export const FDS_BASE = 64

/** Descriptors a simulation of `peers` peers may need. */
export function fdsNeeded (peers: number): number {
  return FDS_BASE + peers * FDS_PER_PEER
}

/**
 * The soft limit on open files of this process (`ulimit -n`), or null where it cannot
 * be read (not Linux) or is unlimited.
 */
export function openFileLimit (): number | null {
  try {
    const limits = fs.readFileSync('/proc/self/limits', 'utf8')
    const m = /^Max open files\s+(\S+)/m.exec(limits)
    if (m === null || m[1] === 'unlimited') return null
    const n = Number(m[1])
    return Number.isFinite(n) ? n : null
  } catch {
    return null
  }
}

/** File descriptors this process has open now, or null where that cannot be read. */
export function openFileCount (): number | null {
  try {
    return fs.readdirSync('/proc/self/fd').length
  } catch {
    return null
  }
}

/** A simulation too big for the process's file descriptor limit; `code` is FD_LIMIT. */
export class FdLimitError extends Error {
  readonly code = 'FD_LIMIT'
}

function wayOut (peers: number, limit: number): string {
  const fit = Math.max(0, Math.floor((limit - FDS_BASE) / FDS_PER_PEER))
  return `raise it with \`ulimit -n ${fdsNeeded(peers)}\` in the shell that starts corestore-sim, or simulate at most ${fit} peers`
}

/**
 * Refuses, before anything is opened, a simulation whose peers would run the process
 * out of file descriptors (every peer's RocksDB holds about FDS_PER_PEER). Without
 * this, RocksDB fails deep inside a run with an error about whatever file it was
 * opening (even ENOENT on a folder removed by the teardown that followed).
 */
export function checkFdBudget (peers: number, limit: number | null = openFileLimit()): void {
  if (limit === null || fdsNeeded(peers) <= limit) return
  throw new FdLimitError(`${peers} peers need about ${fdsNeeded(peers)} file descriptors (RocksDB keeps about ${FDS_PER_PEER} open per simulated peer), but this process may open ${limit} (ulimit -n); ${wayOut(peers, limit)}`)
}

/**
 * The error to report when opening a peer failed: if the process is out of file
 * descriptors (or the error says so), an FdLimitError naming that cause; else `err`.
 */
export function explainOpenFailure (err: unknown, peers: number): unknown {
  const message = err instanceof Error ? err.message : String(err)
  const limit = openFileLimit()
  const open = openFileCount()
  const exhausted = /EMFILE|ENFILE|too many open files/i.test(message) || (limit !== null && open !== null && open >= limit - 8)
  if (!exhausted) return err
  return new FdLimitError(`out of file descriptors${open === null ? '' : ` (${open} open`}${limit === null ? '' : ` of ${limit} allowed, ulimit -n`}${open === null ? '' : ')'} while opening ${peers} peers: ${message.split('\n')[0] as string}; ${wayOut(peers, limit ?? fdsNeeded(peers))}`)
}
