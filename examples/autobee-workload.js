// A second complete workload: an Autobase whose view is a Hyperbee, the shape most
// multi-writer apps have. Peer 0 bootstraps the base and adds the others as writers;
// writers put and delete keys of their own; anyone reads. After the heal every peer's
// bee must hold the same entries, and every key whose last write was acknowledged must
// hold what that write said.
//
//   npx corestore-sim run --workload ./examples/autobee-workload.js --seed 1 --peers 3
//   npx corestore-sim run --workload ./examples/autobee-workload-bug.js --seed 1 --peers 2 --faults none
//
// Its require()s resolve from this file's folder: autobase and hyperbee must be installed
// here or in a folder above (npm install autobase@7.28.1 hyperbee@2.27.3).
const Autobase = require('autobase')
const Hyperbee = require('hyperbee')

/**
 * The workload, with the view's apply as given. `applyNode` applies one linearized node
 * to the bee (the planted-bug variant, autobee-workload-bug.js, passes a wrong one).
 * @param {{ name: string, applyNode: (node: any, bee: any, host: any) => Promise<void> }} opts
 */
function autobee ({ name, applyNode }) {
  /** @type {import('corestore-ts/sim').Workload<any, any>} */
  const workload = {
    name,
    // A base opens its view and writer cores on setup: give a slow disk time.
    setupTimeoutMs: 20_000,
    init: () => ({ bootstrap: null, locals: {}, added: [], seq: 0, writes: {}, reads: [] }),
    async setup (peer, ctx) {
      const first = peer.index === ctx.peers[0]
      if (!first && ctx.state.bootstrap === null) throw new Error('peer 0 has not made the base')
      const base = new Autobase(peer.store, ctx.state.bootstrap, {
        valueEncoding: 'json',
        open: (store) => new Hyperbee(store.get('view'), { keyEncoding: 'utf-8', valueEncoding: 'json', extension: false }),
        apply: async (nodes, bee, host) => {
          for (const { value } of nodes) await applyNode(value, bee, host)
        }
      })
      // Autobase closes itself when its storage refuses a write and crashes the process
      // unless someone listens: an app listens (and its supervisor restarts it).
      base.on('error', () => {})
      await base.ready()
      if (first) {
        ctx.state.bootstrap = base.key
        ctx.state.added.push(peer.index)
      }
      ctx.state.locals[peer.index] = base.local.key.toString('hex')
      return base
    },
    teardown: (peer) => peer.app.close().catch(() => {}),
    stopped: (base) => base.closing !== null,
    operations: {
      'add-writer': {
        weight: 1,
        peers: (peers) => peers.slice(0, 1),
        args: () => null,
        async run (peer, _args, ctx) {
          const target = ctx.peers.find((p) => !ctx.state.added.includes(p) && ctx.state.locals[p] !== undefined)
          if (target === undefined) return ctx.skip('no peer left to add')
          await peer.app.append({ add: ctx.state.locals[target] })
          if (!ctx.abandoned) ctx.state.added.push(target)
          return { target }
        }
      },
      put: {
        weight: 4,
        args: (random) => ({ k: random.int(0, 1) }),
        run: (peer, { k }, ctx) => write(peer, `p${peer.index}/${k}`, `v${ctx.state.seq++}`, ctx)
      },
      del: {
        weight: 2,
        args: (random) => ({ k: random.int(0, 1) }),
        run: (peer, { k }, ctx) => write(peer, `p${peer.index}/${k}`, null, ctx)
      },
      get: {
        weight: 3,
        // What a peer sees of others' writes depends on replication: not compared across stores.
        replicated: true,
        args: (random, peers) => ({ key: `p${random.pick(peers)}/${random.int(0, 1)}` }),
        async run (peer, { key }, ctx) {
          // Only this peer writes its own keys: after update() its bee holds its last acknowledged write.
          const last = key.startsWith(`p${peer.index}/`) ? lastAcked(ctx.state.writes[key]) : undefined
          await peer.app.update()
          const node = await peer.app.view.get(key, { timeout: ctx.timeoutMs })
          const value = node === null ? null : node.value
          ctx.state.reads.push({ peer: peer.index, key, value, ...(last === undefined ? {} : { expected: last.value }) })
          return value
        }
      }
    },
    invariants: {
      'reads see a written value': (ctx) => ctx.state.reads.filter((r) => r.value !== null && !(ctx.state.writes[r.key] ?? []).some((w) => w.value === r.value))
        .map((r) => `peer ${r.peer} read ${r.key} = ${JSON.stringify(r.value)}, which was never written`),
      'a writer reads its own last write': (ctx) => ctx.state.reads.splice(0).filter((r) => 'expected' in r && r.value !== r.expected)
        .map((r) => `peer ${r.peer} read its own ${r.key} = ${JSON.stringify(r.value)} after writing ${JSON.stringify(r.expected)}`)
    },
    async check (ctx) {
      const bases = ctx.peers.map((p) => ctx.app(p))
      if (bases.some((b) => b === null)) return 'a peer has no running base after the heal'
      let entries = []
      for (let round = 0; round < 60; round++) {
        for (const base of bases) await base.update()
        entries = []
        for (const base of bases) entries.push(JSON.stringify(await all(base.view)))
        if (entries.every((e) => e === entries[0])) break
        await new Promise((resolve) => setTimeout(resolve, 1000))
      }
      const bad = []
      entries.forEach((e, i) => { if (e !== entries[0]) bad.push(`peer ${ctx.peers[i]}'s bee differs from peer ${ctx.peers[0]}'s: ${e} vs ${entries[0]}`) })
      const view = new Map(JSON.parse(entries[0]))
      for (const [key, writes] of Object.entries(ctx.state.writes)) {
        // A write that was not acknowledged (its peer crashed under it) may or may not be there.
        const last = lastAcked(writes)
        if (last === undefined) continue
        const has = view.has(key) ? view.get(key) : null
        if (has !== last.value) bad.push(`${key} is ${JSON.stringify(has)} after the heal, but its last acknowledged write made it ${JSON.stringify(last.value)}`)
      }
      return bad
    }
  }
  return workload
}

/** A put (value) or delete (null) of a peer's own key, appended to the base and recorded in the model. */
async function write (peer, key, value, ctx) {
  if (!peer.app.writable) return ctx.skip('not a writer yet')
  const record = { value, acked: false }
  ;(ctx.state.writes[key] ??= []).push(record)
  await peer.app.append(value === null ? { del: key } : { put: key, value })
  if (!ctx.abandoned) record.acked = true
  return { key, value }
}

/** The last write of a key if it was acknowledged (nothing started after it), else undefined. */
function lastAcked (writes) {
  const last = writes === undefined ? undefined : writes[writes.length - 1]
  return last !== undefined && last.acked ? last : undefined
}

/** Every entry of a bee, as [key, value] pairs in key order. */
async function all (bee) {
  const out = []
  for await (const { key, value } of bee.createReadStream()) out.push([key, value])
  return out
}

/** The correct apply: add-writer nodes through the base, puts and deletes to the bee. */
async function applyNode (node, bee, host) {
  if (node.add !== undefined) await host.addWriter(Buffer.from(node.add, 'hex'), { indexer: false })
  else if (node.del !== undefined) await bee.del(node.del)
  else await bee.put(node.put, node.value)
}

module.exports = autobee({ name: 'autobee', applyNode })
module.exports.autobee = autobee
module.exports.applyNode = applyNode
