import { createHash } from 'crypto'
import { hyperdriveOperations } from '../../../src/sim'
import { patch, type Mutant } from './mutant'

/**
 * The app's bug, not the store's: a hyperdrive reader asked for an older version lists
 * that version's files but reads their contents from the live drive.
 */
export const driveCheckoutReadsLive: Mutant = {
  name: 'drive-checkout-reads-live',
  summary: 'workload hyperdrive: a checkout reads file contents from the live drive instead of the old version',
  apply: () => patch(hyperdriveOperations, 'checkout', (original) => ({
    ...original,
    run: async (peer, a, ctx) => {
      const v = 1 + (Number(a.at) % peer.app.version)
      const snap = peer.app.checkout(v)
      try {
        const names: string[] = []
        for await (const entry of snap.list('/', { timeout: ctx.timeoutMs })) names.push(entry.key)
        const files: Array<[string, string]> = []
        for (const name of names.sort()) {
          const content = await peer.app.get(name, { timeout: ctx.timeoutMs })
          files.push([name, content === null ? '-' : `${content.length}:${createHash('sha256').update(content).digest('hex').slice(0, 12)}`])
        }
        ctx.state.seen.push({ peer: peer.index, v, files, all: true })
        return { v, n: files.length }
      } finally {
        await snap.close()
      }
    }
  }))
}
