// Before a replay runs: is the workload it names the one the file ran? Saved steps of
// another workload that shares an operation name would run with the wrong arguments and
// could pass, so a saved regression would test nothing.
import { fingerprint, fingerprintDifference, type WorkloadFingerprint } from '../workloads/fingerprint'
import { loadWorkload, workloadModule } from '../workloads/load'
import { WorkloadError } from '../workloads/workload'
import { replayWorkload, type ReplayFile } from './replay-file'

/** The workload a replay runs, checked against the file's record. */
export interface ReplayWorkloadCheck {
  /** Spec to run (a name or an absolute module path); null: no workload. */
  spec: string | null
  /** What differs from the record, when `allowChanged` let it run anyway; else null. */
  changed: string | null
  /** Whether the file had a record to check against (format 1 files have none). */
  checked: boolean
}

/** The fingerprint of the workload `spec` names (loading it in this process), on `peers` peers. */
export function currentFingerprint (spec: string, peers: number): WorkloadFingerprint {
  return fingerprint(loadWorkload(spec), workloadModule(spec), peers)
}

/**
 * Resolves the workload of a replay file read from `replayPath` and compares it with the
 * file's record. A different or changed workload throws a WorkloadError
 * (WORKLOAD_CHANGED) whose message is one line saying what differs, unless
 * `allowChanged`; a workload that does not load throws its own WorkloadError.
 */
export function checkReplayWorkload (replay: ReplayFile, replayPath: string, allowChanged = false): ReplayWorkloadCheck {
  const spec = replayWorkload(replay, replayPath)
  if (spec === null) return { spec, changed: null, checked: false }
  const recorded = replay.workloadRecord
  if (recorded === undefined || recorded === null) {
    loadWorkload(spec)
    return { spec, changed: null, checked: false }
  }
  const diff = fingerprintDifference(recorded, currentFingerprint(spec, replay.scenario.peers))
  if (diff !== null && !allowChanged) {
    throw new WorkloadError('WORKLOAD_CHANGED', recorded.name, `${replayPath} does not match ${replay.workload ?? '?'}: ${diff} (--allow-changed replays it anyway)`)
  }
  return { spec, changed: diff, checked: true }
}
