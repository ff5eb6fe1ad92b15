// Which planted bugs the simulator can reach, and with what scenario options: shared by
// `npm run mutants:sim` (sim-run.ts) and `npm run compare:search` (compare-search.ts).

/** Bugs the simulator cannot reach by design, and why (reported, not hidden). */
export const SIM_UNREACHABLE: Readonly<Record<string, string>> = {
  'root-close-skips-sessions': 'the only store sessions the simulator makes are an app\'s (root.session()), and it closes each before its root (close, crash, restart, end of run): closing the root has none left to skip',
  'close-ignores-pending': 'steps run one at a time and settle before a peer closes: no get() is still preloading when close() runs',
  'gc-one-strike-early': 'the simulator checks what GC closes (never a core in use), not when: closing one tick early breaks no invariant it checks (the property suite times GC to the millisecond)',
  'attach-skips-stored': 'the heal phase opens every writer\'s core before readers catch up, so a store that serves only open cores still converges; during faults a read that times out is not a violation',
  'finding-peers-skips-late-sessions': 'the simulator never calls findingPeers(): there is no peer discovery to hold sessions for',
  'finding-peers-skips-early-sessions': 'the simulator never calls findingPeers(): there is no peer discovery to hold sessions for',
  'group-destroy-removes-last': 'the simulator never uses notifyGroup() or group handles',
  'shared-stream-close-unpairs-all': 'each simulated link has one store at each end: no stream is shared by two stores',
  'core-options-dropped': 'the simulator passes none of these options but notDownloadingLinger, which it also sets on each replicator itself (to bypass hypercore\'s per-process slack)',
  'close-destroys-streams': 'the simulator destroys a peer\'s streams itself when it closes the peer (links are cut first): a close() that also destroys them changes nothing it observes',
  'one-way-both-ways': 'a bug of the simulator\'s own fault, not of the store: no invariant says which way bytes must flow (the one-way tests catch it)',
  'resume-does-nothing': 'reached, not reported: a run finds its violations (step-stuck, convergence after the heal) but then the teardown cannot close a store whose database stays suspended, and a close is held work, which stops virtual time, so the run ends in "did not settle" (exit 2) instead of exit 1; test/integration/sim-peer-net-faults.test.ts kills it'
}

/** Scenario options a bug needs to be reachable: an app's bug shows only with that app's workload. */
export const HUNT_ARGS: Readonly<Record<string, readonly string[]>> = {
  'bee-reader-stale-session': ['--workload', 'hyperbee'],
  'base-apply-drops-node': ['--workload', 'autobase'],
  'drive-checkout-reads-live': ['--workload', 'hyperdrive'],
  'resume-does-nothing': ['--faults', 'sleep'],
  'suspend-closes-cores': ['--faults', 'sleep'],
  'audit-blind': ['--faults', 'corrupt-read'],
  'replica-keeps-rotten-copy': ['--faults', 'corrupt-read'],
  'power-loss-loses-synced': ['--faults', 'power-loss'],
  'bitfield-never-stored': ['--faults', 'power-loss']
}

