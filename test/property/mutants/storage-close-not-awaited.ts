import Hypercore from 'hypercore'
import { patch, type Mutant } from './mutant'

/** The store's close() resolves before its storage has flushed and released the folder. */
export const storageCloseNotAwaited: Mutant = {
  name: 'storage-close-not-awaited',
  summary: 'close() does not wait for the storage to close: a reopen finds it locked or unflushed',
  apply: () => patch(Hypercore, 'defaultStorage', (original) => (storage, opts) => {
    const store = original(storage, opts)
    const close = store.close
    store.close = () => {
      close.call(store).catch(() => {})
      return Promise.resolve()
    }
    return store
  })
}
