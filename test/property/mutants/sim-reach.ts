// Which planted bugs the simulator can reach, and with what scenario options: shared by
// `npm run mutants:sim` (sim-run.ts) and `npm run compare:search` (compare-search.ts).

/** Bugs the simulator cannot reach by design, and why (reported, not hidden). */
export const SIM_UNREACHABLE: Readonly<Record<string, string>> = {
  'core-options-dropped': 'the simulator passes none of these options but notDownloadingLinger, which it also sets on each replicator itself (to bypass hypercore\'s per-process slack)',
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
  'bitfield-never-stored': ['--faults', 'power-loss'],
  // `serve` is opt-in (features/names.ts, OPT_IN_FEATURES): asked for here.
  'attach-skips-stored': ['--features', 'serve'],
  'shared-stream-close-unpairs-all': ['--features', 'serve']
}

