/** GC interval of replication scenarios, in virtual milliseconds. */
export const PAIR_INTERVAL_MS = 100

/**
 * A writer store A and a reader store B replicating in one process: which writer cores
 * exist and their acknowledged lengths, which sessions are open on each side, and how
 * many pipes are up.
 */
export class PairModel {
  /** Acknowledged length of each writer core (named on A), by name. */
  readonly lengths = new Map<string, number>()
  /** Cores with an open writer session on A. */
  readonly writing = new Set<string>()
  /** Cores with an open reader session on B. */
  readonly reading = new Set<string>()
  links = 0
  nowMs = 0

  /** A restarted: its sessions and every pipe are gone. */
  restartWriter (): void {
    this.writing.clear()
    this.links = 0
  }

  /** B restarted: its sessions and every pipe are gone. */
  restartReader (): void {
    this.reading.clear()
    this.links = 0
  }
}

/** The content of block `index` of writer core `name`. */
export function pairBlock (name: string, index: number): string {
  return `${name}#${index}`
}
