import type { Muxer } from './types'

/** Called when the remote opens a core channel; resolves once the core is attached, if it is. */
export type DiscoveryHandler = (discoveryKey: Buffer) => Promise<void>

const PROTOCOL = { protocol: 'hypercore/alpha' }
const handlers = new WeakMap<Muxer, Set<DiscoveryHandler>>()

/**
 * Lets several stores share one muxer and each get dynamic attach. Protomux keeps
 * one pairing callback per protocol, so upstream's second store silently replaces
 * the first; here one callback fans out to every store registered on the muxer.
 * Returns the function that unregisters this handler.
 */
export function addDiscoveryHandler (muxer: Muxer, handler: DiscoveryHandler): () => void {
  let set = handlers.get(muxer)
  if (set === undefined) {
    const fresh = new Set<DiscoveryHandler>()
    set = fresh
    handlers.set(muxer, fresh)
    muxer.pair(PROTOCOL, (discoveryKey) => dispatch(fresh, discoveryKey))
  }
  set.add(handler)

  const registered = set
  return () => {
    if (!registered.delete(handler) || registered.size > 0) return
    handlers.delete(muxer)
    muxer.unpair(PROTOCOL)
  }
}

async function dispatch (set: Set<DiscoveryHandler>, discoveryKey: Buffer): Promise<void> {
  // A remote can send anything: ignore what cannot be a discovery key.
  if (!Buffer.isBuffer(discoveryKey) || discoveryKey.byteLength !== 32) return
  const all: Array<Promise<void>> = []
  for (const handler of set) all.push(handler(discoveryKey).catch(noop))
  await Promise.all(all)
}

function noop (): void {}
