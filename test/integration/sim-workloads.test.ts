// Workloads on the simulator: the README's example runs as a file, crashes drop the app
// and restarts reopen it, planted bugs in the apps are caught on a known seed, and a
// broken workload is one line and exit 2 (a violated invariant exit 1), never a hang.
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { autobaseWorkload, hyperbeeWorkload, loadWorkload, runScenario, Sim, WorkloadError, type Base, type Bee } from '../../src/sim'
import { requireAppPackage } from '../../src/sim/workloads/packages'
import { beeReaderStaleSession } from '../property/mutants/bee-reader-stale-session'
import { baseApplyDropsNode } from '../property/mutants/base-apply-drops-node'
import { driveCheckoutReadsLive } from '../property/mutants/drive-checkout-reads-live'
import type { Mutant } from '../property/mutants/mutant'
import { cli, STACK } from '../helpers/cli'
import { createSim, peer, traced } from './sim-helpers'

const ROOT = path.join(__dirname, '..', '..', '..')
const EXAMPLE = path.join(ROOT, 'examples', 'chat-workload.js')
const FIXTURES = './test/integration/fixtures/workloads'
const TINY = ['--peers', '2', '--cores', '1', '--steps', '20', '--duration', '10s', '--no-progress']
/** The CLI runs from the repository, where the fixtures' relative paths resolve. */
const IN_ROOT = { cwd: ROOT }
const SMALL = { peers: 4, cores: 2, steps: 60, durationMs: 60_000 }

test('workloads: the README example is this file, and it runs clean with work done', { timeout: 120_000 }, async (t) => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const source = fs.readFileSync(EXAMPLE, 'utf8')
  t.ok(readme.includes(source.trim()), 'README shows examples/chat-workload.js verbatim')
  const r = await runScenario({ seed: 1, workload: EXAMPLE, ...SMALL })
  t.alike(r.violations, [])
  t.is(r.workload, 'chat')
  t.ok(r.operations.post !== undefined && r.operations.post.ok > 0, `posts done: ${JSON.stringify(r.operations.post)}`)
  t.ok(r.operations.read !== undefined && r.operations.read.ok > 0, `reads done: ${JSON.stringify(r.operations.read)}`)
})

test('workloads: a crash drops the app, a restart reopens it from disk; acknowledged puts survive', { timeout: 60_000 }, async (t) => {
  const sim = await Sim.create({ seed: 3, peers: 2, cores: 0, workload: hyperbeeWorkload })
  t.teardown(() => sim.close())
  const host = sim.workload
  if (host === null) throw new Error('no workload host')
  const before = host.app(0) as Bee
  for (let i = 0; i < 3; i++) {
    const r = await sim.apply({ kind: 'op', peer: 0, op: 'put', args: { key: `k0${i}`, value: `v${i}` } })
    t.ok(r.ok, `put ${i}: ${JSON.stringify(r)}`)
  }
  t.is(before.version, 4, 'header + 3 puts')
  await sim.apply({ kind: 'crash', peer: 0 })
  t.is(host.app(0), null, 'the crash dropped the app')
  const down = await sim.apply({ kind: 'op', peer: 0, op: 'put', args: { key: 'k09', value: 'x' } })
  t.is(down.code, 'PEER_DOWN')
  await sim.apply({ kind: 'restart', peer: 0 })
  const after = host.app(0) as Bee | null
  t.ok(after !== null && after !== before, 'setup made a new app')
  t.is(after?.version, 4, 'reopened at the acknowledged version')
  const read = await sim.apply({ kind: 'op', peer: 1, op: 'checkout', args: { at: 2 } })
  t.ok(read.ok, `a reader reads the bee: ${JSON.stringify(read.result)}`)
  t.alike(await sim.close(), [])
})

test('workloads: an Autobase whose disk fills stops itself (no process crash); after the heal it runs again and converges', { timeout: 120_000 }, async (t) => {
  const sim = await Sim.create({ seed: 5, peers: 2, cores: 0, workload: autobaseWorkload })
  t.teardown(() => sim.close())
  const host = sim.workload
  if (host === null) throw new Error('no workload host')
  t.ok((await sim.apply({ kind: 'op', peer: 0, op: 'add-writer', args: { target: 1 } })).ok, 'peer 1 added as a writer')
  t.ok((await sim.apply({ kind: 'op', peer: 0, op: 'append', args: null })).ok, 'an append before the fault')
  await sim.apply({ kind: 'disk-full', peer: 0 })
  const failed = await sim.apply({ kind: 'op', peer: 0, op: 'append', args: null })
  t.absent(failed.ok, `an append on the full disk fails (${failed.code ?? '?'})`)
  const stopped = host.app(0) as Base
  t.ok(stopped.closing !== null, 'the base stopped itself (its error was listened for: the process lives)')
  await sim.apply({ kind: 'advance', ms: 5000 })
  const converged = await sim.converge(120_000)
  t.ok(converged.ok, 'converged after the heal')
  const running = host.app(0) as Base
  t.ok(running !== stopped && running.closing === null, 'the stopped base was set up again')
  const check = await sim.checkWorkload(120_000)
  t.alike(check.violations, [], 'every view identical, every acknowledged node there, no unexpected base error')
  t.alike(await sim.close(), [])
})

// Campaign seeds 13 and 14: Autobase reopened in up to 27 s of virtual time on the slowest
// drawn disk, and one step timeout (10 s) called that a hang: the workload's
// setupTimeoutMs is 120 s. Here every operation of peer 1's disk takes 300 ms: its setups
// take 15-20 s.
test('workloads: an app slow to open on a slow disk is not a hang (first setup, and after a restart)', { timeout: 120_000 }, async (t) => {
  const slow = { readLatencyMs: 300, writeLatencyMs: 300 }
  const sim = await createSim(t, { seed: 1, peers: 2, cores: 0, workload: autobaseWorkload, disks: [{}, slow] })
  const clock = sim.scheduler.clock
  t.ok(clock.elapsedMs > sim.stepTimeoutMs, `the first setups took ${clock.elapsedMs} ms, more than a step timeout`)
  const before = clock.elapsedMs
  await sim.apply({ kind: 'restart', peer: 1 })
  t.ok(clock.elapsedMs - before > sim.stepTimeoutMs, `the setup after the restart took ${clock.elapsedMs - before} ms`)
  t.ok(sim.workload?.app(1) !== null, 'peer 1 runs its base again')
  t.alike(await sim.close(), [])
})

// Campaign seed 10: a peer restarted while its disk still failed writes could not open
// its base (the bootstrap writer's open writes). The store opens (as on any store), the
// app does not: that is the disk's doing; after the heal it is set up again and converges.
test('workloads: a setup after a restart that fails on its disk is set up again after the heal, not a violation', { timeout: 120_000 }, async (t) => {
  const sim = await createSim(t, { seed: 1, peers: 2, cores: 0, workload: autobaseWorkload, trace: { keepLines: true } })
  const host = sim.workload
  if (host === null) throw new Error('no workload host')
  t.ok((await sim.apply({ kind: 'op', peer: 0, op: 'add-writer', args: { target: 1 } })).ok, 'peer 1 added as a writer')
  t.ok((await sim.apply({ kind: 'op', peer: 0, op: 'append', args: null })).ok, 'an append')
  await sim.apply({ kind: 'disk-error', peer: 0 })
  await sim.apply({ kind: 'crash', peer: 0 })
  await sim.apply({ kind: 'restart', peer: 0 })
  t.is(host.app(0), null, 'the base could not open on the failing disk')
  t.ok(traced(sim, 'app').some((e) => e.p === 0 && e.failed === 'EIO'), 'the trace says the setup failed on EIO')
  t.ok((await sim.converge(120_000)).ok, 'converged after the heal')
  const check = await sim.checkWorkload(120_000)
  t.alike(check.violations, [], 'set up again after the heal: views identical, nothing lost')
  t.ok(host.app(0) !== null, 'peer 0 runs its base again')
  t.alike(await sim.close(), [])
})

// Upstream seed 13: a restart a timer started (a crash's downMs) sets the app up beside
// later steps; a crash that closes the store under that setup fails it ("RocksDB session
// is closed"), which is the simulator's doing, not the app's. Peer 1's setup takes ~15 s.
test('workloads: a setup whose store a crash closed under it is not a violation; the next restart sets the app up', { timeout: 120_000 }, async (t) => {
  const sim = await createSim(t, { seed: 1, peers: 2, cores: 0, workload: autobaseWorkload, disks: [{}, { readLatencyMs: 300, writeLatencyMs: 300 }] })
  const host = sim.workload
  if (host === null) throw new Error('no workload host')
  await sim.apply({ kind: 'crash', peer: 1, downMs: 1000 })
  await sim.apply({ kind: 'advance', ms: 3000 })
  t.ok(peer(sim, 1).up && host.app(1) === null, 'restarted by its timer, its base still opening')
  await sim.apply({ kind: 'crash', peer: 1 })
  await sim.apply({ kind: 'advance', ms: 30_000 })
  await sim.apply({ kind: 'restart', peer: 1 })
  t.ok(host.app(1) !== null, 'the next restart set the base up')
  t.alike(await sim.close(), [])
})

// Each planted bug in an app, the seed that catches it, and the invariant that does.
const KILLS: Array<[Mutant, string, number, string]> = [
  [beeReaderStaleSession, 'hyperbee', 0, 'hyperbee.reads match the writer'],
  [baseApplyDropsNode, 'autobase', 0, 'autobase.'],
  [driveCheckoutReadsLive, 'hyperdrive', 2, 'hyperdrive.reads match the writer']
]

for (const [mutant, workload, seed, invariant] of KILLS) {
  test(`workloads: planted bug ${mutant.name} is caught on seed ${seed}`, { timeout: 120_000 }, async (t) => {
    const clean = await runScenario({ seed, workload, ...SMALL })
    t.alike(clean.violations, [], `seed ${seed} is clean without the bug`)
    const restore = mutant.apply()
    let caught
    try {
      caught = await runScenario({ seed, workload, ...SMALL })
    } finally {
      restore()
    }
    const found = caught.violations.filter((v) => v.invariant === 'workload' && v.detail.startsWith(invariant))
    t.ok(found.length > 0, `${found.length} violation(s), first: ${found[0]?.detail ?? 'none'}`)
  })
}

const BROKEN: Array<[string, number, RegExp]> = [
  ['not-a-workload', 2, /^corestore-sim: --workload \S+not-a-workload\.js: does not export a workload/],
  ['op-throws', 2, /^corestore-sim: error: workload fixture: operation boom on peer \d+ \(step \d+\) threw: TypeError: kaboom$/],
  ['invariant-throws', 2, /^corestore-sim: error: workload fixture: invariant reads state \(after step \d+\) threw: TypeError/],
  ['setup-hangs', 2, /^corestore-sim: error: workload fixture: setup on peer 0 at start did not resolve within setupTimeoutMs = 10000 ms of virtual time \(raise it with the workload's setupTimeoutMs or --setup-timeout\)$/],
  ['invariant-fails', 1, /^$/],
  ['check-hangs', 1, /^$/]
]

test('workloads: a broken workload is one line and exit 2; a violated invariant exit 1; never a hang', { timeout: 300_000 }, async (t) => {
  for (const [name, code, stderr] of BROKEN) {
    const r = await cli(['run', '--seed', '1', ...TINY, '--no-shrink', '--workload', `${FIXTURES}/${name}.js`], IN_ROOT)
    t.is(r.code, code, `${name}: exit ${code}`)
    const first = r.stderr.split('\n')[0] ?? ''
    t.ok(stderr.test(first), `${name}: ${first}`)
    t.absent(STACK.test(r.stderr), `${name}: no stack trace`)
    if (code === 1) t.ok(/\[\d+ ms\] workload.*fixture\./.test(r.stdout), `${name}: the violation names the workload`)
  }
  const hung = await cli(['run', '--seed', '1', ...TINY, '--workload', `${FIXTURES}/op-hangs.js`, '--json'], IN_ROOT)
  t.is(hung.code, 0, 'an operation that never settles is cut off, not a hang')
  const json = JSON.parse(hung.stdout.trim().split('\n').pop() as string) as { operations: Record<string, { runs: number, ok: number }> }
  t.ok((json.operations.wait?.runs ?? 0) > 0 && json.operations.wait?.ok === 0, `counted as not done: ${JSON.stringify(json.operations)}`)
  for (const [spec, message] of [['nosuch', /no such workload \(built in: hyperbee, autobase/], ['./nosuch.js', /cannot find module/]] as const) {
    const r = await cli(['run', ...TINY, '--workload', spec], IN_ROOT)
    t.is(r.code, 2, `${spec}: exit 2`)
    t.ok(message.test(r.stderr) && r.stderr.trim().split('\n').length === 1, `${spec}: ${r.stderr.trim()}`)
  }
})

test('workloads: a missing app package says how to install it', (t) => {
  try {
    requireAppPackage('hyperbee', 'no-such-package-for-corestore-sim', '1.2.3')
    t.fail('should throw')
  } catch (err) {
    t.ok(err instanceof WorkloadError)
    t.is((err as WorkloadError).code, 'WORKLOAD_MISSING_PACKAGE')
    t.is((err as Error).message, 'workload hyperbee: the package no-such-package-for-corestore-sim is not installed; install it with `npm install --save-dev no-such-package-for-corestore-sim@1.2.3`')
  }
  t.is(loadWorkload('hyperbee'), hyperbeeWorkload, 'built-in names load when their package is installed')
})

test('workloads: the JSON summary names the workload and counts operations; same seed, same trace', { timeout: 180_000 }, async (t) => {
  const small = ['--peers', '3', '--cores', '2', '--steps', '40', '--duration', '30s', '--no-progress']
  const [a, det] = await Promise.all([
    cli(['run', '--seed', '5', ...small, '--workload', 'autobase', '--json'], IN_ROOT),
    cli(['run', '--seed', '5', ...small, '--workload', 'hyperbee', '--check-determinism'], IN_ROOT)
  ])
  t.is(a.code, 0, a.stderr)
  const j = JSON.parse(a.stdout.trim().split('\n').pop() as string) as Record<string, unknown>
  t.is(j.workload, 'autobase')
  t.alike(Object.keys(j.operations as object), ['add-writer', 'append', 'read'])
  t.ok(/--workload autobase/.test(a.stdout) || (j.violations as unknown[]).length === 0, 'a replay line would name the workload')
  t.is(det.code, 0, det.stderr)
  t.ok(/determinism: 2 processes, same trace/.test(det.stdout), 'workload runs are deterministic across processes')
})
