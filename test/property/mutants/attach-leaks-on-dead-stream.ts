import { plantAttachBug } from './attach-copy'
import type { Mutant } from './mutant'

/** Dynamic attach returns early when the stream died while the core opened: the core is never offered to GC (the bug fixed for issue 10). */
export const attachLeaksOnDeadStream: Mutant = {
  name: 'attach-leaks-on-dead-stream',
  summary: 'dynamic attach returns before checkIfIdle() when the stream died meanwhile: the core stays open for ever',
  apply: () => plantAttachBug({ returnOnDeadStream: true })
}
