import { loadWorkload, type StepResult } from '../../../src/sim'
import { defineProperty } from '../harness/property'
import { requireClean, runWorkload, UPSTREAM_GC, workloadReplay, workloadRun, WORKLOAD_SIZE, type WorkloadRun } from './sim-workloads'

/** Codes of an operation that gave up waiting: timing, which the two stores may not share (see sim-differential). */
const TIMED_OUT = new Set(['REQUEST_TIMEOUT', 'OP_TIMEOUT', 'TIMEOUT'])

function show (r: StepResult): string {
  return r.ok ? `ok ${JSON.stringify(r.result ?? null)}` : `error ${r.code ?? '?'}`
}

/**
 * Differential with workloads: the same scenario and workload on our store and on
 * upstream corestore 7.12.5 (same seed, same GC settings) keep every invariant (so every
 * read on either is one the writer's history allows) and give every operation that does
 * not race replication (`Operation.replicated`: writes, add-writer) the same observable
 * result: what it returned, or its error code (an operation that timed out on either side
 * is not compared). Reads are not compared step by step: the two stores time replication
 * differently (see sim-differential), so a read may see an earlier or later version.
 */
export const simWorkloadDifferential = defineProperty<WorkloadRun>({
  name: 'sim-workload-differential',
  summary: 'a workload gives the same operation results on ours and on upstream corestore',
  ciRuns: 4,
  scenarioTimeoutMs: 180_000,
  arbitrary: workloadRun,
  run: async (r) => {
    // No api steps: they have their own oracles (and upstream's known bugs in them, such
    // as its close of preloading gets); this compares the app's operations.
    const ours = await runWorkload(r, 'project', UPSTREAM_GC, [])
    requireClean(ours.run, `workload ${r.workload} on ours`)
    const theirs = await runWorkload(r, 'upstream', UPSTREAM_GC, [])
    requireClean(theirs.run, `workload ${r.workload} on upstream`)
    const ops = loadWorkload(r.workload).operations
    let compared = 0
    ours.steps.forEach((a, i) => {
      const b = theirs.steps[i]
      if (a.step.kind !== 'op' || ops[a.step.op]?.replicated === true) return
      if (b !== undefined && (TIMED_OUT.has(a.code ?? '') || TIMED_OUT.has(b.code ?? ''))) return
      compared++
      if (b === undefined || show(a) !== show(b)) {
        throw new Error(`DIFF: step ${i} (${a.step.op} on peer ${a.step.peer}): ours ${show(a)}, upstream ${b === undefined ? 'nothing' : show(b)}`)
      }
    })
    if (compared === 0) throw new Error('DIFF: no operation was compared')
  },
  describe: (r) => [workloadReplay(r, 'project', []), workloadReplay(r, 'upstream', [])],
  setup: (r) => `workload ${r.workload}, seed ${r.seed}, ${WORKLOAD_SIZE.peers} peers, GC ${UPSTREAM_GC.gcIntervalMs} ms x ${UPSTREAM_GC.gcStrikes} on both stores`
})
