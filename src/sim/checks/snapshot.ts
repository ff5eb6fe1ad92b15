import type { CoreCatalog } from '../peers/catalog'
import { trackedSessionCounts } from './invariants'
import type { Peer, PeerState } from '../peers/peer'

/** One core as one peer has it. */
export interface CoreSnapshot {
  core: number
  /** Whether the store has the core open (not closing). */
  open: boolean
  /** Length of the open core; null when it is not open. */
  length: number | null
  /** Sessions the model says the simulator holds on it. */
  sessions: number
  /** Sessions the store reports on it. */
  storeSessions: number
  /** Acknowledged length (owners only; 0 otherwise). */
  acked: number
}

/** One peer, at one instant. */
export interface PeerSnapshot {
  index: number
  state: PeerState
  /** Cores this peer holds or has open, by core index. */
  cores: CoreSnapshot[]
  /** Cores GC closed on this peer so far. */
  collected: number
}

/** Every peer, at one instant of virtual time. */
export interface SimSnapshot {
  atMs: number
  peers: PeerSnapshot[]
}

/** Takes a snapshot without touching storage (it cannot perturb the run). */
export function snapshotSim (peers: readonly Peer[], catalog: CoreCatalog, atMs: number): SimSnapshot {
  return {
    atMs,
    peers: peers.map((peer) => {
      const cores: CoreSnapshot[] = []
      const counts = peer.store === null ? new Map<string, number>() : trackedSessionCounts(peer.store)
      for (const entry of catalog.entries) {
        const core = peer.store?.cores.get(entry.id) ?? null
        const sessions = peer.sessions.get(entry.index)?.length ?? 0
        if (core === null && sessions === 0 && !peer.holds.has(entry.index)) continue
        cores.push({
          core: entry.index,
          open: core !== null,
          length: core?.state?.length ?? null,
          sessions,
          storeSessions: counts.get(entry.id) ?? 0,
          acked: peer.acked.get(entry.index) ?? 0
        })
      }
      return { index: peer.index, state: peer.state, cores, collected: peer.collected }
    })
  }
}

/** Length of every open core of every running peer, as [peer, core, length] (for the trace). */
export function lengthsOf (peers: readonly Peer[], catalog: CoreCatalog): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = []
  for (const peer of peers) {
    if (peer.store === null) continue
    for (const entry of catalog.entries) {
      const length = peer.store.cores.get(entry.id)?.state?.length
      if (length !== undefined) out.push([peer.index, entry.index, length])
    }
  }
  return out
}
