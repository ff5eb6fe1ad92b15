// The one divergence sim-differential tolerates, pinned: hypercore 11.37.1's stale
// `_queued` entry (model/stale-queue.ts). This scenario (found by fuzzing, base 777)
// makes our store's get of c2[0] time out while upstream reads it; the tolerance must
// recognise exactly that and count it, and nothing like it without the signature. If
// hypercore stops doing it, the first test says so: the tolerance can then go.
import test from 'brittle'
import type { RunStepsResult, Step } from '../../src/sim'
import { DEFAULT_START_MS, runSteps } from '../../src/sim'
import { StepTally } from './harness/step-tally'
import { watchStaleQueue, type StaleQueueTimeout } from './model/stale-queue'
import { compareRuns, STALE_QUEUE } from './properties/sim-differential'

const STEPS: Step[] = [
  { kind: 'advance', ms: 1000 },
  { kind: 'append', peer: 2, core: 2, blocks: 1 },
  { kind: 'get', peer: 0, core: 2, index: 1 }, // past the end: times out, leaves a stale entry
  { kind: 'get', peer: 0, core: 2, index: 0 }, // on ours the stale entry is picked first
  { kind: 'advance', ms: 100 }
]

async function run (store: 'project' | 'upstream'): Promise<{ r: RunStepsResult, seen: StaleQueueTimeout[] }> {
  const stop = watchStaleQueue()
  try {
    const r = await runSteps(STEPS, { seed: 8741, peers: 3, cores: 3, store, peer: { gcIntervalMs: 2000, gcStrikes: 4 } })
    return { r, seen: stop() }
  } catch (err) {
    stop()
    throw err
  }
}

test('stale queue: hypercore still leaves a get unsent with a peer able to serve it; the differential tolerates exactly that', async (t) => {
  const ours = await run('project')
  const theirs = await run('upstream')
  const codes = (x: RunStepsResult): string[] => x.results.map((r) => r.ok ? 'ok' : r.code ?? '?')
  t.alike(codes(ours.r), ['ok', 'ok', 'REQUEST_TIMEOUT', 'REQUEST_TIMEOUT', 'ok'], 'ours: the in-range get times out too')
  t.alike(codes(theirs.r), ['ok', 'ok', 'REQUEST_TIMEOUT', 'ok', 'ok'], 'upstream reads it')
  const getAt = ours.r.results[3]?.atMs ?? -1
  t.ok(ours.seen.some((s) => s.index === 0 && s.atMs - DEFAULT_START_MS === getAt), 'the timeout of c2[0] on ours has the stale-queue signature')
  t.absent(theirs.seen.some((s) => s.index === 0), 'upstream has none for it')

  const tally = new StepTally()
  compareRuns(ours.r.results, theirs.r.results, { ours: ours.seen, theirs: theirs.seen }, tally)
  t.is(tally.toleratedBy(STALE_QUEUE), 1, 'the differential tolerates it, and counts it')

  // The same divergence without the signature (a store that never asked a peer) is one.
  t.exception(() => compareRuns(ours.r.results, theirs.r.results, { ours: [], theirs: [] }, new StepTally()), /DIFF: step 4: ours error REQUEST_TIMEOUT, upstream ok/, 'without the signature it is a divergence')
  // Nor does the signature excuse a get that upstream failed too or that differs otherwise.
  const other = theirs.r.results.map((r, i) => i === 3 ? { ...r, ok: false, code: 'WRONG_BLOCK' } : r)
  t.exception(() => compareRuns(ours.r.results, other, { ours: ours.seen, theirs: theirs.seen }, new StepTally()), /DIFF: step 4/, 'the signature excuses a timeout against a read, nothing else')
})
