import type { TraceObserver } from '../trace/trace'

/**
 * Every feature is a 32-bit hash (FNV-1a) of a short key: cheap to compute per trace
 * event, cheap to keep in a set, and a collision only makes the search a little blind.
 */
export function featureHash (key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/**
 * AFL's hit-count buckets: reaching a state once, twice, a few or many times are
 * different features, so a run that reaches a known state far more often still counts
 * as new, while 40 and 41 hits do not.
 */
export function hitBucket (n: number): number {
  if (n <= 3) return n
  if (n <= 7) return 4
  if (n <= 15) return 5
  if (n <= 31) return 6
  if (n <= 127) return 7
  return 8
}

/** Log2 bucket of a small count (sessions open, blocks asked for). */
function log2Bucket (n: number): number {
  return n <= 0 ? 0 : 1 + Math.floor(Math.log2(n))
}

/** A step's peer and core, when it names both. */
function peerCore (s: Record<string, unknown>): [number, number] | null {
  return typeof s.peer === 'number' && typeof s.core === 'number' ? [s.peer, s.core] : null
}

/**
 * The novelty signal of one run: the abstract store states the simulator saw, read
 * off its trace events as they are recorded (no extra work in the store). Features:
 * - step-kind bigrams (what follows what);
 * - each step's kind with the set of fault kinds active when it ran;
 * - each step's outcome (ok or error code) with the lifecycle position of the core it
 *   hits on its peer: first touch, touched before, closed by GC since, peer crashed,
 *   restarted or reopened since;
 * - sessions open per core on a peer (open-session results, log2 buckets);
 * - GC closes with the faults active, GC races and their outcome, disk failures,
 *   reopen errors, tolerated crash work, in-flight appends by crash point, app
 *   up/down/failure events, workload operations by outcome, convergence outcome;
 * each with its hit count bucketed (hitBucket). Deliveries are ignored: too many, and
 * they say more about timing than about states.
 */
export class RunSignal {
  private readonly hits = new Map<string, number>()
  private prevKind = 'start'
  private stepKind = 'none'
  private stepPeerCore: [number, number] | null = null
  private position = 'none'
  private phase = 'faults'
  private readonly active = new Map<unknown, string>()
  /** What happened to a peer's core since a step last touched it, by `peer/core`. */
  private readonly coreState = new Map<string, string>()
  /** What happened to a peer since one of its steps last ran, by peer. */
  private readonly peerState = new Map<number, string>()

  /** The trace observer to pass in TraceOptions.observer. */
  readonly observe: TraceObserver = (kind, f) => {
    if (kind === 'd' || kind === 'len') return
    switch (kind) {
      case 'step': return this.onStep(f.s as Record<string, unknown>)
      case 'res': return this.onResult(f)
      case 'fault':
        this.active.set(f.id, String(f.f))
        this.hit(`fault|${String(f.f)}|${this.faults()}`)
        if (typeof f.p === 'number') this.peerState.set(f.p, String(f.f))
        return
      case 'lift':
        this.active.delete(f.id)
        return
      case 'wake':
        // A sleep a crash ended is never lifted: its wake ends it.
        this.active.delete(f.id)
        return this.hit(`wake|${String(f.dies === true)}|${this.phase}`)
      case 'power': return this.hit(`power|${String(f.restored)}|${String((f.unsynced as number) > 0)}`)
      case 'audit': return this.hit(`audit|${this.phase}`)
      case 'heal':
        this.active.clear()
        return
      case 'phase':
        this.phase = String(f.name)
        return
      case 'gc':
        this.coreState.set(`${String(f.p)}/${String(f.c)}`, 'gc')
        this.hit(`gc|${this.phase}|${this.stepKind}|${this.faults()}`)
        return
      case 'crash': case 'close': case 'recover': case 'restart': case 'up':
        this.peerState.set(f.p as number, kind)
        this.hit(`peer|${kind}|${this.phase}|${this.stepKind}`)
        return
      case 'race': return this.hit(`race|${String(f.ok)}|${String(f.code)}|${this.faults()}`)
      case 'dfail': return this.hit(`dfail|${String(f.op)}|${String(f.code)}|${this.stepKind}`)
      case 'reopen': return this.hit(`reopen|${String(f.code)}`)
      case 'tolerated': return this.hit(`tolerated|${String(f.why)}`)
      case 'inflight': return this.hit(`inflight|${String(f.ops)}|${String(f.s)}`)
      case 'app': return this.hit(`app|${String(f.up)}|${String(f.failed)}|${String(f.crash)}|${String(f.stopped)}|${this.phase}`)
      case 'converge': return this.hit(`converge|${String(f.ok)}`)
      case 'workload-check': return this.hit(`wcheck|${String(f.bad)}`)
      case 'violation': return this.hit(`violation|${String(f.invariant)}`)
      default:
    }
  }

  /** The features reached, as a sorted array of 32-bit numbers. */
  features (): number[] {
    const out = new Set<number>()
    for (const [key, n] of this.hits) out.add(featureHash(`${key}#${hitBucket(n)}`))
    return [...out].sort((a, b) => a - b)
  }

  private hit (key: string): void {
    this.hits.set(key, (this.hits.get(key) ?? 0) + 1)
  }

  private faults (): string {
    return [...new Set(this.active.values())].sort().join('+')
  }

  private onStep (s: Record<string, unknown>): void {
    const kind = String(s.kind)
    const label = kind === 'api' ? `api:${String(s.feature)}` : kind === 'op' ? `op:${String(s.op)}` : kind
    this.hit(`bigram|${this.prevKind}|${label}`)
    this.hit(`faulted|${label}|${this.faults()}`)
    this.prevKind = label
    this.stepKind = label
    this.stepPeerCore = peerCore(s)
    this.position = 'none'
    if (typeof s.peer === 'number') {
      const since = this.peerState.get(s.peer)
      this.peerState.delete(s.peer)
      if (since !== undefined) this.position = `peer-${since}`
    }
    if (this.stepPeerCore !== null) {
      const key = this.stepPeerCore.join('/')
      const state = this.coreState.get(key) ?? 'new'
      this.coreState.set(key, 'touched')
      this.position = `${state}|${this.position}`
    }
  }

  private onResult (f: Readonly<Record<string, unknown>>): void {
    const outcome = f.ok === true ? 'ok' : String(f.code)
    this.hit(`res|${this.stepKind}|${outcome}|${this.position}${f.skip === undefined ? '' : '|skip'}`)
    if (this.stepKind === 'open-session' && typeof f.v === 'number') this.hit(`sessions|${log2Bucket(f.v)}|${this.faults()}`)
  }
}
