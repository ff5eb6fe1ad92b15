// hypercore 11.37.1's replicator can leave a block request unsent although a peer has
// the block: `updateAll()` gives each peer one `_updatePeer()` pass when there are few
// peers, and `_updatePeer()` ends its pass at the first `_queued` entry it dequeues, even
// a stale one (a request that was cancelled, e.g. a get that timed out, stays in
// `_queued` with `queued === false`). `_queued` is scanned in Math.random order, so
// whether the stale entry or the live request comes first differs between two stores
// that draw differently; when the stale one comes first, the live request waits for the
// next pass, which may come only after the get's timeout.
//
// This module recognises exactly that outcome, so the differential tolerates it and
// nothing else: at the moment a get times out, its block request was never sent
// (`inflight` empty) and is still queued, while the replicator has a peer that could
// have served it at once (active, uploading, below its inflight limit, same fork,
// holding the block, and allowed to be asked for it).
/** One get that timed out with hypercore's stale-queue signature. */
export interface StaleQueueTimeout {
  /** The block index the get asked for. */
  index: number
  /** `Date.now()` when it timed out (virtual time under the simulator). */
  atMs: number
}

// The parts of hypercore's replicator the check reads; hypercore ships no typings for them.
interface PeerView {
  inflight: number
  remoteUploading: boolean
  remoteFork: number
  isActive (): boolean
  getMaxInflight (): number
  _remoteHasBlock (index: number): boolean
  _canRequest (index: number, force: boolean): boolean
}

interface BlockRequestView {
  queued: boolean
  inflight: unknown[]
}

interface RequestRef {
  context: BlockRequestView | null
  reject: (err: unknown) => void
}

interface ReplicatorView {
  peers: PeerView[]
  _queued: BlockRequestView[]
  core: { state: { fork: number } }
  addBlock (session: unknown, index: number, force: boolean): RequestRef
}

// hypercore's typings do not cover lib/replicator: `require` returns `any`, narrowed here.
const ReplicatorClass: { prototype: ReplicatorView } = require('hypercore/lib/replicator')

/** True if a peer of `replicator` could have been sent the request for `index` right now. */
function servable (replicator: ReplicatorView, index: number): boolean {
  const fork = replicator.core.state.fork
  return replicator.peers.some((p) => p.isActive() && p.remoteUploading && p.inflight < p.getMaxInflight() &&
    p.remoteFork === fork && p._remoteHasBlock(index) && p._canRequest(index, false))
}

/** The block request that timed out was never sent, though it could have been: hypercore's bug, not the store's. */
function hasSignature (replicator: ReplicatorView, request: BlockRequestView, index: number): boolean {
  return request.inflight.length === 0 && request.queued && replicator._queued.includes(request) && servable(replicator, index)
}

/**
 * Records every get that times out with the stale-queue signature, until the returned
 * function is called (which stops recording and returns what was seen). The check runs
 * inside the request's own rejection, before hypercore tears the request down.
 */
export function watchStaleQueue (): () => StaleQueueTimeout[] {
  const proto = ReplicatorClass.prototype
  const original = proto.addBlock
  const seen: StaleQueueTimeout[] = []
  proto.addBlock = function (this: ReplicatorView, session: unknown, index: number, force: boolean): RequestRef {
    const ref = original.call(this, session, index, force)
    const request = ref.context
    const reject = ref.reject
    ref.reject = (err: unknown) => {
      if (request !== null && (err as { code?: unknown } | null)?.code === 'REQUEST_TIMEOUT' && hasSignature(this, request, index)) {
        seen.push({ index, atMs: Date.now() })
      }
      reject(err)
    }
    return ref
  }
  return () => {
    proto.addBlock = original
    return seen
  }
}
