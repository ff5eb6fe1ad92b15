import type Hypercore from 'hypercore'
import { Corestore } from '../../../src/store/corestore'
import { patch, type Mutant } from './mutant'

type Get = Hypercore['get']
// hypercore's core has a bitfield of the blocks held; the typings leave it out.
interface WithBitfield { bitfield: { get (index: number): boolean } }

/** Sessions handed out by get() hand back a corrupted copy of every block they had to fetch from a peer. */
function corruptFetched (session: Hypercore): void {
  const get = session.get.bind(session) as Get
  const corrupting = async (index: number, opts?: Parameters<Get>[1]): Promise<Buffer | null> => {
    const core = session.core as unknown as WithBitfield | null
    const held = core !== null && core.bitfield.get(index)
    const block = await get(index, opts)
    if (held || block === null || !Buffer.isBuffer(block)) return block
    const copy = Buffer.from(block)
    copy[0] = (copy[0] ?? 0) ^ 0xff
    return copy
  }
  session.get = corrupting as Get
}

/**
 * A block fetched from a peer reaches the reader corrupted, while the verified copy is
 * stored: only a check of what a read returned sees it (finding 4 of issue 15), and
 * only reads of blocks that exist do (finding 3).
 */
export const remoteBlockCorrupted: Mutant = {
  name: 'remote-block-corrupted',
  summary: 'a read that fetched its block from a peer returns it with its first byte flipped',
  killers: { properties: ['sim-convergence', 'sim-crash-durability'] },
  apply: () => patch(Corestore.prototype, 'get', (original) => function (this: Corestore, ...args: Parameters<Corestore['get']>) {
    const session = original.apply(this, args)
    corruptFetched(session)
    return session
  })
}
