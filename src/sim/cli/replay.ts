import { checkStoreInstalled, fileArg, parseFlags } from './args'
import { checkPeersFit } from './jobs'
import { CliError, UsageError } from './usage'
import { runInWorker } from './worker'
import { describeViolation, formatScenario } from '../shrink/describe'
import { readReplayFile, replayScenario, ReplayFileError, type ReplayFile } from '../shrink/replay-file'
import { packageInfo } from '../shrink/replay-file'
import { judge, knownArg, KNOWN_FLAG_HELP } from './known'
import { checkReplayWorkload, type ReplayWorkloadCheck } from '../shrink/replay-workload'
import { WorkloadError } from '../workloads/workload'

/** Usage text of `corestore-sim replay`. */
export const REPLAY_USAGE = `usage: corestore-sim replay FILE [options]

Reruns a saved scenario (a replay file written by \`run --save\` or \`fuzz\`) exactly:
same steps, same seed, same trace hash on the same store and package version.

  --store S              project | upstream | <package name> (default: the file's store)
  --trace FILE           write the JSONL trace to FILE
${KNOWN_FLAG_HELP}
  --json                 end stdout with one JSON object
  --allow-changed        replay even if the workload differs from the one the file ran
  --no-progress          accepted for symmetry with run and fuzz (replay draws no progress bar)
  -h, --help             this help

A module-path workload is stored relative to the replay file and resolved from it. The
file records the workload it ran (name, a hash of its module's source, its operations
and their argument shapes): a different or changed workload is refused in one line.

Exit code 1 when an invariant is still violated (and no known bug explains it), 0 when
the scenario passes, 2 on a bad file (missing, truncated, another format version), a
store that is not installed, or a workload that does not load or is not the one the
file ran.`

const REPLAY_FLAGS = {
  store: { type: 'string' },
  trace: { type: 'string' },
  known: { type: 'string' },
  json: { type: 'boolean' },
  'allow-changed': { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const

/** Reads a replay file for the CLI: a bad file is a one-line CliError naming what is wrong. */
export function loadReplayFile (file: string): ReplayFile {
  try {
    return readReplayFile(file)
  } catch (err) {
    if (err instanceof ReplayFileError) throw new CliError(err.code, err.message)
    throw err
  }
}

/** The workload a replay runs, checked against the file's record; a mismatch is a one-line CliError. */
function workloadOf (replay: ReplayFile, file: string, allowChanged: boolean): ReplayWorkloadCheck {
  try {
    return checkReplayWorkload(replay, file, allowChanged)
  } catch (err) {
    if (err instanceof WorkloadError) throw new CliError(err.code, err.code === 'WORKLOAD_CHANGED' ? err.message.replace(/^workload [^:]*: /, '') : `--${err.message}`)
    throw err
  }
}

/** `corestore-sim replay FILE`: reruns a replay file; resolves with the exit code. */
export async function replayCommand (argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, REPLAY_FLAGS, REPLAY_USAGE, true)
  if (values.help === true) {
    console.log(REPLAY_USAGE)
    return 0
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'replay needs a FILE' : `replay takes one FILE, got ${positionals.length}`, REPLAY_USAGE)
  }
  const file = positionals[0] as string
  const storeFlag = values.store as string | undefined
  if (storeFlag !== undefined && storeFlag.length === 0) throw new UsageError('--store needs a value', REPLAY_USAGE)
  const trace = fileArg(values.trace as string | undefined, 'trace', REPLAY_USAGE)
  const known = knownArg(values.known as string | undefined, REPLAY_USAGE)
  const replay = loadReplayFile(file)
  const store = storeFlag ?? replay.store
  checkStoreInstalled(store)
  const workload = workloadOf(replay, file, values['allow-changed'] === true)
  checkPeersFit(replay.scenario.peers)

  const scenario = replayScenario(replay)
  if (workload.changed !== null) console.log(`warning: ${workload.changed}; replaying anyway (--allow-changed)`)
  const result = await runInWorker({ kind: 'scenario', scenario, store, options: replay.options, workload: workload.spec, trace }, () => {})
  const ours = packageInfo()
  const sameSetup = store === replay.store && ours.version === replay.package.version
  const sameTrace = result.traceHash === replay.recorded.traceHash
  console.log(`replay ${file} (written by ${replay.package.name} ${replay.package.version}${replay.note === undefined ? '' : `; ${replay.note}`})`)
  for (const line of formatScenario(scenario, result.stepResults, result.violations)) console.log(line)
  const sameVerdict = (result.violations[0]?.invariant ?? null) === replay.recorded.invariant && result.violations.length === replay.recorded.violations
  if (sameTrace) console.log(`trace: same as recorded (${result.traceHash})`)
  else if (sameSetup && sameVerdict) console.log(`trace: DIFFERS from the recorded one with the same store, version and verdict (${result.traceHash}, recorded ${replay.recorded.traceHash}): the run is not deterministic`)
  else if (sameSetup) console.log(`trace: ${result.traceHash} (recorded ${replay.recorded.traceHash}): the store behaves differently than when the file was written`)
  else console.log(`trace: ${result.traceHash} (recorded ${replay.recorded.traceHash} on store ${replay.store}, ${replay.package.name} ${replay.package.version})`)
  const verdict = judge(result.violations, known, store, result.faults)
  for (const v of verdict.marked) if (v.known !== undefined) console.log(`known: ${v.known}: ${describeViolation(v)}`)
  const first = verdict.unknown[0]
  console.log(first === undefined
    ? `passes: ${verdict.known > 0 ? `only known bugs (${verdict.known} violation${verdict.known === 1 ? '' : 's'})` : 'no invariant violated'}${replay.recorded.invariant === null ? '' : ` (recorded: ${replay.recorded.invariant})`}`
    : `still fails: ${describeViolation(first)}`)
  if (values.json === true) {
    console.log(JSON.stringify({
      file,
      store,
      steps: scenario.steps.length,
      peers: scenario.peers,
      violations: verdict.marked,
      traceHash: result.traceHash,
      recordedTraceHash: replay.recorded.traceHash,
      sameTrace
    }))
  }
  return verdict.unknown.length > 0 ? 1 : 0
}
