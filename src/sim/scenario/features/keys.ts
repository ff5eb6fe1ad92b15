import type { Feature } from './feature'
import { apiStore, closeAll, drawOnCore, entryOf, hex, sameBytes } from './feature'

/**
 * Keys of an owned core: `createKeyPair(name)` derives the key pair that signs it, and
 * `get({ discoveryKey })` of the stored core opens it under that key (and does not fail
 * on a disk that never failed).
 */
export const keysFeature: Feature = {
  name: 'keys',
  draw: (prng, plan) => drawOnCore(prng, plan, 'keys', 'owner'),
  async run (ctx, step) {
    const entry = entryOf(ctx, step)
    if (entry.owner !== ctx.peer.index) return { real: false, ok: false, code: 'NOT_OWNER' }
    const root = apiStore(ctx)
    const session = root.get({ discoveryKey: entry.discoveryKey })
    try {
      const derived = (await root.createKeyPair(entry.name)).publicKey
      const failed = await session.ready().then(() => null, (err: unknown) => err)
      if (failed !== null) {
        // Only a disk fault may fail it: the owner stores the core since the run began.
        if (ctx.diskFaulted()) throw failed
        ctx.violate(`keys: get({ discoveryKey }) of an owned core failed on a healthy disk: ${(failed as { code?: string }).code ?? (failed instanceof Error ? failed.message : String(failed))}`, entry.index)
        return { real: true, ok: false }
      }
      const bad: string[] = []
      // A core's key hashes its manifest; createKeyPair derives its signer.
      const signer = (session as { keyPair?: { publicKey: Buffer } | null }).keyPair?.publicKey
      if (!sameBytes(derived, signer)) bad.push(`createKeyPair('${entry.name}') derives ${hex(derived)}, the core is signed by ${hex(signer)}`)
      if (!sameBytes(session.key, entry.key)) bad.push(`get({ discoveryKey }) opened key ${hex(session.key)}, the core's key is ${hex(entry.key)}`)
      ctx.passed(2 - bad.length)
      for (const detail of bad) ctx.violate(`keys: ${detail}`, entry.index)
      return { real: true, ok: bad.length === 0 }
    } finally {
      await closeAll([session])
    }
  }
}
