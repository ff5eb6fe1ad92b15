import type { BenchCase } from '../case'
import { measure } from '../measure'

const OPS = 20_000

/**
 * Session churn on one live core: one session stays open so the core stays,
 * then 20,000 times get (by key), ready and close another session on it.
 */
export const sessionChurnCase: BenchCase = {
  id: 'churn',
  title: `${OPS / 1000}k get/ready/close of one live core`,
  metrics: [
    { key: 'opUs', label: 'per get/ready/close (wall)', unit: 'µs', better: 'lower', target: 1.0, digits: 2 },
    { key: 'opCpuUs', label: 'per get/ready/close (process CPU)', unit: 'µs', better: 'lower', target: 1.0, digits: 2 }
  ],
  timeoutMs: 60_000,
  async run ({ createStore, dir }) {
    const store = createStore(dir)
    await store.ready()
    const keeper = store.get({ name: 'live' })
    await keeper.ready()
    const key = keeper.key as Buffer

    const { wallMs, cpuMs } = await measure(async () => {
      for (let i = 0; i < OPS; i++) {
        const session = store.get({ key })
        await session.ready()
        await session.close()
      }
    })

    await keeper.close()
    await store.close()
    return { metrics: { opUs: wallMs * 1000 / OPS, opCpuUs: cpuMs * 1000 / OPS } }
  }
}
