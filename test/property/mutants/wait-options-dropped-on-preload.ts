import type Hypercore from 'hypercore'
import { Corestore } from '../../../src/store/corestore'
import { patch, type Mutant } from './mutant'

interface StoreInternals {
  makeSession (conf: Hypercore.SessionConfig, preloading: boolean): Hypercore
}

/**
 * Sessions opened by name or discovery key (the preloading paths) lose wait, timeout
 * and onwait; gets by key keep them (finding 9 of issue 15: only gets by key were tested).
 */
export const waitOptionsDroppedOnPreload: Mutant = {
  name: 'wait-options-dropped-on-preload',
  summary: 'get({ name }) and get({ discoveryKey }) ignore wait, timeout and onwait',
  killers: { tests: ['store/get-options.test.js'] },
  apply: () => patch(Corestore.prototype as unknown as StoreInternals, 'makeSession', (original) => function (this: StoreInternals, conf: Hypercore.SessionConfig, preloading: boolean) {
    return original.call(this, preloading ? { ...conf, wait: true, timeout: 0, onwait: null } : conf, preloading)
  })
}
