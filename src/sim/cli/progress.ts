import cliProgress from 'cli-progress'
import type { RunProgress } from '../scenario/runner'

/** A progress display: updated after every step, stopped before results print. */
export interface Progress {
  update (p: RunProgress): void
  stop (): void
}

const SILENT: Progress = { update: () => {}, stop: () => {} }

/** A progress bar on stderr (cli-progress), only when stderr is a terminal and `enabled`. */
export function progressBar (enabled: boolean, steps: number): Progress {
  if (!enabled || process.stderr.isTTY !== true) return SILENT
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'corestore-sim [{bar}] {value}/{total} steps | {phase} | {virtual}s virtual',
    hideCursor: true,
    clearOnComplete: true
  }, cliProgress.Presets.shades_classic)
  bar.start(steps, 0, { phase: 'setup', virtual: 0 })
  return {
    update: (p) => bar.update(p.step, { phase: p.phase, virtual: (p.virtualMs / 1000).toFixed(0) }),
    stop: () => bar.stop()
  }
}
