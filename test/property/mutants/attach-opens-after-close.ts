import { plantAttachBug } from './attach-copy'
import type { Mutant } from './mutant'

/** Dynamic attach forgets that the store may have started closing while it looked the core up. */
export const attachOpensAfterClose: Mutant = {
  name: 'attach-opens-after-close',
  summary: 'dynamic attach does not re-check for close() after its storage look-up: a remote makes a closing store open a core',
  apply: () => plantAttachBug({ noCloseRecheck: true })
}
