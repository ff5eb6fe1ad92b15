import type { StepResult } from '../../../src/sim'
import type { StepTally } from '../harness/step-tally'
import { SIM_PEERS } from './sim-steps'

/**
 * What a correct store must report for each step of a simulator scenario, from a model
 * the steps alone determine: the lengths each owner's core can have, the sessions each
 * peer holds, and whether a peer can be down. Every result is also counted as real work
 * or as skipped, with the reason.
 *
 * - append: resolves with a length one of the possible lengths plus its blocks;
 * - get: returns the exact block (the executor compares it) or times out; never another
 *   error; the owner always reads back what it appended and was acknowledged;
 * - download: completes or times out;
 * - open-session / close-session: the count of tracked sessions, NO_SESSION exactly when none;
 * - PEER_DOWN only for a peer that crashed and may not be back yet;
 * - crash, restart: never fail (restart fails with DURABILITY when the simulator's own
 *   durability check does).
 */
export class SimResultModel {
  /** Lengths each owner's core can have now: one, or two after a crash mid-append. */
  private readonly lengths: Array<Set<number>> = Array.from({ length: SIM_PEERS }, () => new Set([0]))
  private readonly sessions: number[][] = Array.from({ length: SIM_PEERS }, () => new Array<number>(SIM_PEERS).fill(0))
  private readonly mayBeDown: boolean[] = new Array<boolean>(SIM_PEERS).fill(false)
  readonly violations: string[] = []
  private readonly tally: StepTally

  constructor (tally: StepTally) {
    this.tally = tally
  }

  /** Checks every result in order. */
  checkAll (results: readonly StepResult[]): void {
    for (const r of results) this.check(r)
  }

  private fail (r: StepResult, what: string): void {
    this.violations.push(`step ${r.index + 1} (${r.step.kind}): ${what}`)
  }

  private minLength (core: number): number {
    return Math.min(...(this.lengths[core] as Set<number>))
  }

  private maxLength (core: number): number {
    return Math.max(...(this.lengths[core] as Set<number>))
  }

  /** A step that did not run because its peer was down: fine only if it may be. */
  private down (r: StepResult, peer: number): void {
    if (this.mayBeDown[peer] === true) this.tally.skipped(r.step.kind, 'peer down')
    else this.fail(r, `PEER_DOWN, but p${peer} never crashed or is back`)
  }

  /** Checks one result against the model, then applies it. */
  check (r: StepResult): void {
    const step = r.step
    const unexpected = (): void => this.fail(r, `unexpected ${r.ok ? `ok ${String(r.value)}` : `error ${r.code ?? '?'}`}`)
    switch (step.kind) {
      case 'append': {
        if (r.code === 'PEER_DOWN') return this.down(r, step.peer)
        if (!r.ok || r.value === undefined) return unexpected()
        const before = r.value - step.blocks
        if (!(this.lengths[step.core] as Set<number>).has(before)) {
          this.fail(r, `append of ${step.blocks} resolved with length ${r.value}; the core could only be at ${[...(this.lengths[step.core] as Set<number>)].join(' or ')}`)
        }
        this.lengths[step.core] = new Set([r.value])
        return this.tally.did('append')
      }
      case 'get': return this.read(r, step.peer, step.core, step.index, 'REQUEST_TIMEOUT')
      case 'download': return this.read(r, step.peer, step.core, step.end - 1, 'TIMEOUT')
      case 'open-session': {
        if (r.code === 'PEER_DOWN') return this.down(r, step.peer)
        const held = this.held(step.peer, step.core)
        if (!r.ok) return unexpected()
        if (r.value !== held + 1) this.fail(r, `p${step.peer} holds ${String(r.value)} sessions on c${step.core}, the model ${held + 1}`)
        this.setHeld(step.peer, step.core, held + 1)
        return this.tally.did('open-session')
      }
      case 'close-session': {
        if (r.code === 'PEER_DOWN') return this.down(r, step.peer)
        const held = this.held(step.peer, step.core)
        if (held === 0) {
          if (r.code !== 'NO_SESSION') return this.fail(r, `expected NO_SESSION (p${step.peer} holds none on c${step.core}), got ${r.ok ? 'ok' : r.code ?? '?'}`)
          return this.tally.skipped('close-session', 'no session to close')
        }
        if (!r.ok) return unexpected()
        this.setHeld(step.peer, step.core, held - 1)
        return this.tally.did('close-session')
      }
      case 'crash': {
        if (r.code === 'PEER_DOWN') {
          if (this.mayBeDown[step.peer] !== true) this.fail(r, `PEER_DOWN, but p${step.peer} never crashed or is back`)
          return this.tally.skipped('crash', 'peer already down')
        }
        if (!r.ok) return unexpected()
        this.dropSessions(step.peer)
        this.mayBeDown[step.peer] = true
        const a = step.inflightAppend
        if (a !== undefined) {
          const lengths = this.lengths[a.core] as Set<number>
          this.lengths[a.core] = new Set([...lengths, ...[...lengths].map((l) => l + a.blocks)])
          return this.tally.did('crash mid-append')
        }
        return this.tally.did('crash')
      }
      case 'restart':
        this.dropSessions(step.peer)
        this.mayBeDown[step.peer] = false
        if (!r.ok) return unexpected()
        return this.tally.did('restart')
      case 'heal':
        this.mayBeDown.fill(false)
        if (!r.ok) return unexpected()
        return this.tally.did('heal')
      default:
        if (!r.ok) return unexpected()
        return this.tally.did(step.kind)
    }
  }

  /**
   * A get of block `last`, or a download up to it. Either completes with the exact
   * blocks or gives up waiting (a fault, or nothing there yet); an owner never waits for
   * blocks it was acknowledged.
   */
  private read (r: StepResult, peer: number, core: number, last: number, timeoutCode: string): void {
    const kind = r.step.kind
    if (r.code === 'PEER_DOWN') return this.down(r, peer)
    if (r.ok) return this.tally.did(kind)
    if (r.code !== timeoutCode) return this.fail(r, `p${peer} ${kind} of c${core} up to block ${last}: error ${r.code ?? '?'} (only the exact block or a timeout is right)`)
    if (last >= this.maxLength(core)) return this.tally.skipped(kind, 'past the end (on purpose)')
    if (peer === core && last < this.minLength(core)) return this.fail(r, `the owner p${peer} timed out reading its own acknowledged block ${last} of c${core}`)
    if (peer === core) return this.tally.skipped(kind, 'owner reading the block of a crash mid-append that was dropped')
    return this.tally.skipped(kind, 'timed out (faults in the way, or not replicated in time)')
  }

  private held (peer: number, core: number): number {
    return (this.sessions[peer] as number[])[core] ?? 0
  }

  private setHeld (peer: number, core: number, n: number): void {
    (this.sessions[peer] as number[])[core] = n
  }

  private dropSessions (peer: number): void {
    (this.sessions[peer] as number[]).fill(0)
  }
}

