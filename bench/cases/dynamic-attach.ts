import type Hypercore from 'hypercore'
import type { BenchCase } from '../case'
import { closeAll, createStoredCores, link, openByKey, subdir, withTimeout } from '../fixtures'
import { measure } from '../measure'

const COUNT = 1000

/**
 * Dynamic attach: the serving store has 1000 cores on disk and none open; a client
 * opens all 1000 keys and replicates over one stream. Timed from replicate() until
 * the server has attached every core to the stream (opened on demand from storage).
 */
export const dynamicAttachCase: BenchCase = {
  id: 'attach',
  title: `dynamic attach of ${COUNT} stored cores`,
  metrics: [
    { key: 'attachMs', label: 'replicate() to all attached (wall)', unit: 'ms', better: 'lower', target: 1.5 },
    { key: 'cpuMs', label: 'replicate() to all attached (process CPU)', unit: 'ms', better: 'lower', target: 1.5 }
  ],
  timeoutMs: 120_000,
  async run ({ createStore, dir }) {
    const serverDir = subdir(dir, 'server')
    const keys = await createStoredCores(createStore, serverDir, COUNT)
    const server = createStore(serverDir)
    const client = createStore(subdir(dir, 'client'))
    await Promise.all([server.ready(), client.ready()])
    const clones = await openByKey(client, keys)

    let attached = 0
    let allAttached: () => void = noop
    const done = new Promise<void>((resolve) => { allAttached = resolve })
    server.watch((core) => countAttach(core, () => {
      if (++attached === COUNT) allAttached()
    }))

    const { result: replication, wallMs, cpuMs } = await measure(async () => {
      const replication = link(client, server)
      await withTimeout(done, 60_000, `attach of ${COUNT} cores`)
      return replication
    })

    await replication.destroy()
    await closeAll(clones)
    await Promise.all([client.close(), server.close()])
    return { metrics: { attachMs: wallMs, cpuMs } }
  }
}

/** Calls `onfirst` the first time the core is attached to any stream. */
function countAttach (core: Hypercore.Core, onfirst: () => void): void {
  const replicator = core.replicator
  const attachTo = replicator.attachTo.bind(replicator)
  let counted = false
  replicator.attachTo = (muxer) => {
    attachTo(muxer)
    if (counted) return
    counted = true
    onfirst()
  }
}

function noop (): void {}
