/**
 * Counts, over all scenarios of a property run, which generated steps did real work and
 * which were skipped, and why. A generator whose steps mostly do nothing tests nothing:
 * the counts are printed with every run so that shows.
 */
export class StepTally {
  private readonly worked = new Map<string, number>()
  private readonly skips = new Map<string, Map<string, number>>()
  /** Outcomes a check tolerated (a known upstream bug), by reason. */
  private readonly tolerated = new Map<string, number>()

  /** A step of `kind` did what it was generated to do. */
  did (kind: string): void {
    this.worked.set(kind, (this.worked.get(kind) ?? 0) + 1)
  }

  /** A step of `kind` ran but did nothing real, for `reason` (e.g. "peer down"). */
  skipped (kind: string, reason: string): void {
    let reasons = this.skips.get(kind)
    if (reasons === undefined) this.skips.set(kind, (reasons = new Map()))
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
  }

  /**
   * `n` step outcomes were not compared because of a known bug outside the store
   * (`reason` names it). With `n` 0 it only declares the tolerance, so it is printed
   * even when nothing needed it.
   */
  tolerate (reason: string, n = 1): void {
    this.tolerated.set(reason, (this.tolerated.get(reason) ?? 0) + n)
  }

  /** Steps that did real work. */
  get didCount (): number {
    let n = 0
    for (const v of this.worked.values()) n += v
    return n
  }

  /** Steps that ran and did nothing real. */
  get skippedCount (): number {
    let n = 0
    for (const reasons of this.skips.values()) for (const v of reasons.values()) n += v
    return n
  }

  /** Outcomes tolerated, by reason. */
  toleratedBy (reason: string): number {
    return this.tolerated.get(reason) ?? 0
  }

  /** Lines to print: totals, then per kind what did work and what was skipped and why. */
  format (): string[] {
    const did = this.didCount
    const skipped = this.skippedCount
    const total = did + skipped
    if (total === 0 && this.tolerated.size === 0) return ['steps: none counted']
    const pct = total === 0 ? 0 : Math.round((100 * did) / total)
    const lines = [`steps: ${total} generated, ${did} did real work (${pct}%), ${skipped} skipped`]
    const kinds = [...new Set([...this.worked.keys(), ...this.skips.keys()])].sort()
    for (const kind of kinds) {
      const reasons = [...(this.skips.get(kind) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1])
      const why = reasons.map(([r, n]) => `${n} ${r}`).join(', ')
      lines.push(`  ${kind}: ${this.worked.get(kind) ?? 0} did work${why === '' ? '' : `; skipped: ${why}`}`)
    }
    for (const [reason, n] of this.tolerated) lines.push(`  tolerated (not compared): ${n} ${reason}`)
    return lines
  }
}
