import fc from 'fast-check'
import type { ModelStep } from '../harness/model-step'
import type { StoreModel } from '../model/store-model'
import type { StoreWorld } from '../model/store-world'
import { CloseStoreSession, OpenStoreSession, STORES_MAX } from './store-session-steps'
import { ChildSession, CloseSession, GetSession } from './core-session-steps'
import { Append, ReadBlock } from './data-steps'
import { Tick } from './clock-steps'
import { ConnectPeer, DisconnectPeer, GetUnawaited, PeerGet } from './peer-steps'
import { Restart } from './restart-steps'

/** A step of a single-store scenario. */
export type StoreStep = ModelStep<StoreModel, StoreWorld>

/** Relative weights of the step kinds; 0 leaves a kind out. */
export interface StepWeights {
  openStore: number
  closeStore: number
  get: number
  child: number
  close: number
  append: number
  read: number
  tick: number
  /** Peer steps (need a world with a peer store). Default 0. */
  connect?: number
  disconnect?: number
  peerGet?: number
  /** get() without awaiting ready(). Default 0. */
  unawaited?: number
  /** Clean close and reopen of the root. Default 0. */
  restart?: number
}

/** The default mix: sessions come and go, with enough time passing for GC to act. */
export const DEFAULT_WEIGHTS: StepWeights = {
  openStore: 2, closeStore: 1, get: 6, child: 2, close: 5, append: 3, read: 2, tick: 4
}

// Targets are picks among the live stores or sessions (modulo their number), so every
// step hits something; shrinking a pick towards 0 points it at the oldest live one.
const storeId = fc.nat({ max: STORES_MAX - 1 })
const sessionId = fc.nat({ max: 15 })
const coreName = fc.constantFrom('c0', 'c1', 'c2')
const nsName = fc.constantFrom('a', 'b')
const intervals = fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: fc.integer({ min: 2, max: 4 }) })

/** One weighted arbitrary of single-store steps, for `fc.commands`. */
export function storeStep (w: StepWeights = DEFAULT_WEIGHTS): fc.Arbitrary<StoreStep> {
  const kinds: Array<fc.WeightedArbitrary<StoreStep>> = [
    { weight: w.get, arbitrary: fc.tuple(storeId, coreName, fc.constantFrom<'name' | 'key' | 'discoveryKey'>('name', 'key', 'discoveryKey')).map(([s, n, by]) => new GetSession(s, n, by)) },
    { weight: w.close, arbitrary: sessionId.map((id) => new CloseSession(id)) },
    { weight: w.tick, arbitrary: intervals.map((k) => new Tick(k)) },
    { weight: w.append, arbitrary: fc.tuple(sessionId, fc.integer({ min: 1, max: 3 })).map(([id, k]) => new Append(id, k)) },
    { weight: w.read, arbitrary: fc.tuple(sessionId, fc.nat({ max: 8 })).map(([id, i]) => new ReadBlock(id, i)) },
    { weight: w.child, arbitrary: sessionId.map((id) => new ChildSession(id)) },
    { weight: w.openStore, arbitrary: fc.tuple(storeId, fc.option(nsName, { nil: null })).map(([p, ns]) => new OpenStoreSession(p, ns)) },
    { weight: w.closeStore, arbitrary: storeId.map((id) => new CloseStoreSession(id)) },
    { weight: w.connect ?? 0, arbitrary: fc.constant(new ConnectPeer()) },
    { weight: w.disconnect ?? 0, arbitrary: fc.constant(new DisconnectPeer()) },
    { weight: w.peerGet ?? 0, arbitrary: sessionId.map((pick) => new PeerGet(pick)) },
    { weight: w.unawaited ?? 0, arbitrary: fc.tuple(storeId, coreName).map(([pick, name]) => new GetUnawaited(pick, name)) },
    { weight: w.restart ?? 0, arbitrary: fc.constant(new Restart()) }
  ]
  return fc.oneof(...kinds.filter((k) => k.weight > 0))
}

/** `fc.commands` over single-store steps; pass the replay path when replaying. */
export function storeCommands (replayPath: string | null, w: StepWeights = DEFAULT_WEIGHTS, maxCommands = 30): fc.Arbitrary<Iterable<fc.AsyncCommand<StoreModel, StoreWorld>>> {
  return fc.commands([storeStep(w)], { maxCommands, size: 'max', replayPath: replayPath ?? undefined })
}
