import Hypercore from 'hypercore'
import { patch, type Mutant } from './mutant'

/**
 * get({ name }) opens a stored named core with `overwrite: true`: a writer that comes
 * back after a crash resumes at length 0 instead of the stored length (finding 7 of
 * issue 15: the resume check compared the stored length with itself).
 */
export const namedGetOverwrites: Mutant = {
  name: 'named-get-overwrites',
  summary: 'a named core is opened with overwrite: true, so a restarted writer starts empty',
  killers: { tests: ['integration/crash-agreement.test.js'] },
  apply: () => patch(Hypercore, 'createCore', (original) => (storage, opts) => original(storage, opts.alias !== null && opts.alias !== undefined ? { ...opts, overwrite: true } : opts))
}
