import Hypercore from 'hypercore'
import { patch, type Mutant } from './mutant'

/**
 * get() stops forwarding the core options to hypercore: allowFork, inflightRange,
 * notDownloadingLinger, allowLatestBlock, overwrite, force and legacy fall back to
 * hypercore's defaults (finding 9 of issue 15: forwarded, never tested).
 */
export const coreOptionsDropped: Mutant = {
  name: 'core-options-dropped',
  summary: 'openCore() drops allowFork, inflightRange, notDownloadingLinger, allowLatestBlock, overwrite, force and legacy',
  killers: { tests: ['store/core-options.test.js'] },
  apply: () => patch(Hypercore, 'createCore', (original) => (storage, opts) => {
    const { allowFork: _f, inflightRange: _i, notDownloadingLinger: _n, alwaysLatestBlock: _l, overwrite: _o, force: _force, legacy: _legacy, ...rest } = opts
    return original(storage, rest)
  })
}
