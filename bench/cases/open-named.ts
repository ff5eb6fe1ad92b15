import type { BenchCase } from '../case'
import { closeAll, openNamed } from '../fixtures'
import { measure } from '../measure'

const COUNT = 1000

/** Opens 1000 named cores in a fresh store, concurrently, and waits until all are ready. */
export const openNamedCase: BenchCase = {
  id: 'open',
  title: `open ${COUNT} named cores + ready()`,
  metrics: [
    { key: 'totalMs', label: 'total (wall)', unit: 'ms', better: 'lower', target: 1.0 },
    { key: 'cpuMs', label: 'total (process CPU)', unit: 'ms', better: 'lower', target: 1.0 }
  ],
  timeoutMs: 60_000,
  async run ({ createStore, dir }) {
    const store = createStore(dir)
    await store.ready()
    const { result: sessions, wallMs, cpuMs } = await measure(() => openNamed(store, COUNT, 'core-'))
    await closeAll(sessions)
    await store.close()
    return { metrics: { totalMs: wallMs, cpuMs } }
  }
}
