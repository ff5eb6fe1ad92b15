// A custom workload: peer 0 posts to a chat log (a core), the other peers read it.
// npx corestore-sim run --workload ./examples/chat-workload.js --seed 1
/** @type {import('corestore-ts/sim').Workload<{ key: Buffer | null, posted: string[], reads: Array<{ peer: number, index: number, text: string }> }, import('hypercore')>} */
module.exports = {
  name: 'chat',
  init: () => ({ key: null, posted: [], reads: [] }),
  async setup (peer, ctx) {
    const poster = peer.index === ctx.peers[0]
    const core = peer.store.get(poster ? { name: 'chat' } : { key: ctx.state.key })
    await core.ready()
    if (poster) ctx.state.key = core.key
    return core
  },
  teardown: (peer) => peer.app.close(),
  operations: {
    post: {
      weight: 1,
      peers: (peers) => peers.slice(0, 1),
      args: (random) => ({ text: `hello ${random.int(0, 999)}` }),
      async run (peer, { text }, ctx) {
        const { length } = await peer.app.append(Buffer.from(text))
        ctx.state.posted[length - 1] = text
        return length
      }
    },
    read: {
      weight: 2,
      peers: (peers) => peers.slice(1),
      args: (random) => ({ at: random.float() }),
      async run (peer, { at }, ctx) {
        if (peer.app.length === 0) return null
        const index = Math.floor(at * peer.app.length)
        const text = (await peer.app.get(index, { timeout: ctx.timeoutMs })).toString()
        ctx.state.reads.push({ peer: peer.index, index, text })
        return text
      }
    }
  },
  invariants: {
    'readers see what was posted': (ctx) => ctx.state.reads.splice(0)
      .filter((r) => r.text !== ctx.state.posted[r.index])
      .map((r) => `peer ${r.peer} read "${r.text}" at ${r.index}, posted "${ctx.state.posted[r.index]}"`)
  }
}
