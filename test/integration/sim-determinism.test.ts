// Determinism across processes, through the CLI: the same seed gives the same trace
// hash in separate processes; another seed gives another.
import test from 'brittle'
import { runScenario } from '../../src/sim'
import { cli, lastJson } from '../helpers/cli'

type Json = Record<string, unknown>

const SMALL = ['--peers', '4', '--cores', '4', '--steps', '60', '--duration', '60s', '--no-progress']

test('determinism: same seed, same traceHash in separate processes; another seed, another', { timeout: 120_000 }, async (t) => {
  const [a, b, c] = await Promise.all([
    cli(['run', '--seed', '42', ...SMALL, '--json']),
    cli(['run', '--seed', '42', ...SMALL, '--json']),
    cli(['run', '--seed', '43', ...SMALL, '--json'])
  ])
  for (const r of [a, b, c]) t.is(r.code, 0, r.stderr)
  const [ja, jb, jc] = [lastJson<Json>(a), lastJson<Json>(b), lastJson<Json>(c)]
  t.is(ja.traceHash, jb.traceHash)
  t.not(ja.traceHash, jc.traceHash)
  t.alike(Object.keys(ja), ['seed', 'peers', 'cores', 'steps', 'virtualMs', 'realMs', 'speedup', 'messages', 'bytes', 'faults', 'gcCollected', 'invariantsChecked', 'violations', 'traceHash', 'workload', 'operations', 'features'])
  t.alike(ja.violations, [])
  t.is(ja.seed, 42)
  t.ok((ja.virtualMs as number) >= 60_000)
  t.ok((ja.messages as number) > 0)
})

test('determinism: --check-determinism compares two processes', { timeout: 120_000 }, async (t) => {
  const r = await cli(['run', '--seed', '7', ...SMALL, '--check-determinism'])
  t.is(r.code, 0, r.stderr)
  t.ok(/determinism: 2 processes, same trace/.test(r.stdout))
  t.ok(/traceHash/.test(r.stdout), 'prints the summary table')
})

test('determinism: in one process too, runs are repeatable', { timeout: 120_000 }, async (t) => {
  const opts = { seed: 9, peers: 3, cores: 3, steps: 40, durationMs: 30_000 }
  const first = await runScenario(opts)
  const second = await runScenario(opts)
  t.is(first.traceHash, second.traceHash)
  t.alike(first.violations, [])
  t.ok(first.converged)
})

test('determinism: an Autobase app replays exactly in two processes', { timeout: 240_000 }, async (t) => {
  const r = await cli(['run', '--workload', 'autobase', '--seed', '1', '--peers', '4', '--cores', '4', '--steps', '80', '--check-determinism', '--no-shrink'])
  t.ok(/determinism: 2 processes, same trace/.test(r.stdout), r.stdout.split('\n').slice(0, 12).join('\n'))
})

test('determinism: a nondeterministic app is caught, with the step, the peers and the stacks of both runs', { timeout: 120_000 }, async (t) => {
  // The fixture appends 1-3 blocks as the real high-resolution clock says: the planted bug.
  const r = await cli(['run', '--workload', './test/integration/fixtures/workloads/nondeterministic.js', '--seed', '1', '--peers', '3', '--cores', '2', '--steps', '20', '--check-determinism', '--no-shrink', '--no-progress'])
  t.is(r.code, 1, 'a run that differs fails')
  t.ok(/determinism: traces differ at line \d+, virtual time \d+ ms/.test(r.stdout), r.stdout)
  t.ok(/ {2}step: {2}\d+: \{"kind":"op","peer":0,"op":"append"/.test(r.stdout), 'names the step: the app operation')
  t.ok(/ {2}peers: 0/.test(r.stdout), 'names the peer')
  t.ok(/ {2}run 1: \{.*\n {2}run 2: \{/.test(r.stdout), 'shows both lines')
  t.ok(/stacks that produced them \(run 1 \| run 2\):\n {4}at .* \| {1,2}at /.test(r.stdout), 'shows both stacks side by side')
  t.ok(/replay: .*--check-determinism/.test(r.stdout), 'prints the replay line')
})
