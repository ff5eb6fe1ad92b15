import type { BenchCase } from '../case'
import { closeAll, link, openByKey, openNamed, subdir, withTimeout } from '../fixtures'
import { measure } from '../measure'

const COUNT = 1000

/**
 * Replication with data: the writer holds 1000 cores open with one block each; a
 * client opens all 1000 keys. Timed from replicate() until every clone's get(0) resolves.
 */
export const firstBlockCase: BenchCase = {
  id: 'replicate',
  title: `replicate ${COUNT} cores to first block`,
  metrics: [
    { key: 'firstBlockMs', label: 'replicate() to all get(0) (wall)', unit: 'ms', better: 'lower', target: 1.0 },
    { key: 'cpuMs', label: 'replicate() to all get(0) (process CPU)', unit: 'ms', better: 'lower', target: 1.0 }
  ],
  timeoutMs: 120_000,
  async run ({ createStore, dir }) {
    const writer = createStore(subdir(dir, 'writer'))
    const client = createStore(subdir(dir, 'client'))
    await Promise.all([writer.ready(), client.ready()])
    const cores = await openNamed(writer, COUNT, 'data-')
    await Promise.all(cores.map((c) => c.append(Buffer.from('block 0'))))
    const clones = await openByKey(client, cores.map((c) => c.key as Buffer))

    const { result, wallMs, cpuMs } = await measure(async () => {
      const replication = link(client, writer)
      const blocks = await withTimeout(Promise.all(clones.map((c) => c.get(0))), 60_000, `get(0) on ${COUNT} clones`)
      return { replication, blocks }
    })
    const { replication, blocks } = result
    if (blocks.some((b) => b === null || b.toString() !== 'block 0')) throw new Error('A clone received the wrong block')

    await replication.destroy()
    await Promise.all([closeAll(clones), closeAll(cores)])
    await Promise.all([client.close(), writer.close()])
    return { metrics: { firstBlockMs: wallMs, cpuMs } }
  }
}
