import type { BenchCase } from '../case'

/** Simulator throughput; src/sim is not written yet, so the case reports itself unavailable. */
export const simulatorCase: BenchCase = {
  id: 'sim',
  title: 'simulator, default scenario',
  metrics: [],
  timeoutMs: 120_000,
  async run () {
    return { unavailable: 'src/sim does not exist yet' }
  }
}
