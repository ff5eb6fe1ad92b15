import type Hypercore from 'hypercore'
import { Corestore } from '../../../src/store/corestore'
import { patch, type Mutant } from './mutant'

interface StoreInternals {
  makeSession (conf: Hypercore.SessionConfig, preloading: boolean): Hypercore
}

type Append = (blocks: Buffer | Buffer[]) => Promise<{ length: number, byteLength: number }>

/**
 * The store's sessions swallow a failed write: an append the disk refused resolves as
 * if written, with the length it would have had. Nothing of it is on disk.
 */
export const appendSwallowsWriteError: Mutant = {
  name: 'append-swallows-write-error',
  summary: 'a session\'s append that fails to write resolves anyway, acknowledging blocks that are not on disk',
  apply: () => patch(Corestore.prototype as unknown as StoreInternals, 'makeSession', (original) => function (this: StoreInternals, conf: Hypercore.SessionConfig, preloading: boolean) {
    const session = original.call(this, conf, preloading)
    const append = (session.append as Append).bind(session)
    ;(session as unknown as { append: Append }).append = async (blocks) => {
      const start = session.length
      const n = Array.isArray(blocks) ? blocks.length : 1
      try {
        return await append(blocks)
      } catch {
        return { length: start + n, byteLength: session.byteLength }
      }
    }
    return session
  })
}
