import type { Feature } from './feature'
import { apiStore, closeAll, hex, sameBytes } from './feature'

/** A few names, so the cores a namespace step creates are reused across steps. */
const NAMES = 3

/**
 * `namespace()`: one name in two namespaces opens two different cores; the same
 * namespace twice opens the same core; a namespace's core is signed by the key pair
 * `createKeyPair(name, ns.ns)` derives on the root, and the root's own core of that name
 * differs from both, as does a namespace's namespace's.
 */
export const namespaceFeature: Feature = {
  name: 'namespace',
  draw (prng, plan) {
    return { kind: 'api', peer: prng.int(0, plan.peers - 1), feature: 'namespace', arg: prng.int(0, NAMES - 1) }
  },
  async run (ctx, step) {
    const root = apiStore(ctx)
    const name = `api-ns-${step.arg}`
    const a = root.namespace('api-a')
    const b = root.namespace('api-b')
    const again = root.namespace('api-a')
    // A namespace of a namespace derives from its parent: api-a/api-b is not api-b.
    const nested = a.namespace('api-b')
    const cores = [a.get({ name }), b.get({ name }), again.get({ name }), root.get({ name }), nested.get({ name })]
    try {
      await Promise.all(cores.map((c) => c.ready()))
      const [ka, kb, kAgain, kRoot, kNested] = cores.map((c) => c.key)
      const derived = (await root.createKeyPair(name, a.ns)).publicKey
      // A core's key hashes its manifest; createKeyPair derives its signer.
      const signer = (cores[0] as { keyPair?: { publicKey: Buffer } | null }).keyPair?.publicKey
      const bad: string[] = []
      if (sameBytes(ka, kb)) bad.push(`namespaces api-a and api-b give ${name} one key ${hex(ka)}`)
      if (!sameBytes(ka, kAgain)) bad.push(`namespace api-a twice gives ${name} two keys ${hex(ka)} and ${hex(kAgain)}`)
      if (!sameBytes(signer, derived)) bad.push(`namespace api-a's ${name} is signed by ${hex(signer)}, createKeyPair(name, ns) derives ${hex(derived)}`)
      if (sameBytes(ka, kRoot) || sameBytes(kb, kRoot)) bad.push(`a namespace's ${name} has the root's key ${hex(kRoot)}`)
      if (sameBytes(kNested, kb) || sameBytes(kNested, ka)) bad.push(`namespace api-b of namespace api-a gives ${name} the key ${hex(kNested)} of a namespace of the root`)
      ctx.passed(5 - bad.length)
      for (const detail of bad) ctx.violate(`namespace: ${detail}`)
      return { real: true, ok: bad.length === 0 }
    } finally {
      await closeAll([...cores, a, b, again, nested])
    }
  }
}
