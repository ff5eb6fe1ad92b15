import { patchAll, patch, type Mutant } from './mutant'

/** hypercore's verify paths, as far as this bug touches them (lib/ is untyped). */
interface CoreProto { _verifyShared (): Promise<boolean>, _verifies: Array<{ value?: Buffer | null }> | null }
interface StateProto { _verifyBlock (batch: unknown, bitfield: unknown, value: Buffer | null, ...rest: unknown[]): Promise<boolean> }

const Core = require('hypercore/lib/core') as { prototype: CoreProto }
const SessionState = require('hypercore/lib/session-state') as { prototype: StateProto }

function flip (value: Buffer | null | undefined): Buffer | null | undefined {
  if (value === null || value === undefined || value.byteLength === 0) return value
  const copy = Buffer.from(value)
  copy[copy.length - 1] = (copy[copy.length - 1] as number) ^ 0x01
  return copy
}

/**
 * A replica verifies a block it fetched and then stores it with its last bit flipped:
 * corruption that spread past verification. Its reads, and the peers it serves, get the
 * bad copy. The convergence content check (and the get check) must notice.
 */
export const replicaKeepsRottenCopy: Mutant = {
  name: 'replica-keeps-rotten-copy',
  summary: 'a block fetched from a peer is verified, then stored with a bit flipped',
  killers: { tests: ['integration/sim-faults-disk.test.js'] },
  apply: () => patchAll(
    () => patch(SessionState.prototype, '_verifyBlock', (original) => function (this: StateProto, batch: unknown, bitfield: unknown, value: Buffer | null, ...rest: unknown[]) {
      return original.call(this, batch, bitfield, flip(value) ?? null, ...rest)
    }),
    () => patch(Core.prototype, '_verifyShared', (original) => function (this: CoreProto) {
      for (const v of this._verifies ?? []) v.value = flip(v.value)
      return original.call(this)
    })
  )
}
