// `corestore-sim fuzz` and `run`'s shrinking, end to end in child processes, on small
// scenarios with a planted bug (test/property/mutants) switched on by a preload module:
// found, shrunk, saved, and replayed to the same trace in five separate processes.
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { checkFdBudget, explainOpenFailure, fdsNeeded, FdLimitError, readReplayFile, shardSeeds, WorkerPool, type SimJob } from '../../src/sim'
import { tmpDir } from '../helpers/create'
import { cli, lastJson, STACK, type Ran } from '../helpers/cli'

/** A small scenario: a few seconds per seed. */
const SMALL = ['--peers', '3', '--cores', '2', '--steps', '40', '--duration', '30s']

const USAGE_ERRORS: Array<[string[], RegExp]> = [
  [['fuzz', '--shard', '3/2'], /^corestore-sim: --shard 3\/2: the shard index must be in \[1, 2\]$/],
  [['fuzz', '--shard', '0/2'], /^corestore-sim: --shard 0\/2: the shard index must be in \[1, 2\]$/],
  [['fuzz', '--shard', 'half'], /^corestore-sim: --shard must look like I\/N/],
  [['fuzz', '--jobs', '0'], /^corestore-sim: --jobs must be an integer in \[1, 256\], got 0$/],
  [['fuzz', '--seeds', '5..1'], /^corestore-sim: --seeds 5\.\.1: the first seed is above the last$/],
  [['fuzz', '--seeds', '1-5'], /^corestore-sim: --seeds must look like A\.\.B/],
  [['fuzz', '--time', '0s'], /^corestore-sim: --time must be longer than 0$/],
  [['fuzz', '--time', 'soon'], /^corestore-sim: bad duration "soon"/],
  [['fuzz', '--seed', '3'], /^corestore-sim: unknown option --seed$/],
  [['run', '--shrink-time', 'x'], /^corestore-sim: bad duration "x"/]
]

test('fuzz: usage errors are one line plus the usage, exit 2, no stack trace', { timeout: 60_000 }, async (t) => {
  for (const [args, message] of USAGE_ERRORS) {
    const r = await cli(args)
    const [first, second] = r.stderr.split('\n')
    t.is(r.code, 2, `${args.join(' ')}: exit 2`)
    t.ok(message.test(first ?? ''), `${args.join(' ')}: ${first ?? ''}`)
    t.ok(new RegExp(`^usage: corestore-sim ${args[0] as string}`).test(second ?? ''), 'usage follows')
    t.absent(STACK.test(r.stderr), 'no stack trace')
  }
})

test('fuzz: shards split a seed space with no overlap and no gap', (t) => {
  for (const count of [1, 2, 3, 7]) {
    const all: number[] = []
    for (let index = 1; index <= count; index++) all.push(...shardSeeds(5, 40, { index, count }))
    t.alike(all.sort((a, b) => a - b), Array.from({ length: 36 }, (_, i) => i + 5), `${count} shards cover 5..40 once`)
  }
  t.alike([...shardSeeds(1, 10, { index: 2, count: 4 })], [2, 6, 10])
})

test('pool: a seed traces the same in a fresh process and after other seeds in a reused one', { timeout: 180_000 }, async (t) => {
  const job = (seed: number): SimJob => ({ kind: 'seed', args: { seed, peers: 3, cores: 3, steps: 60, durationMs: 60_000, store: 'project' }, workload: null, trace: null, lite: true })
  const reused = new WorkerPool({ size: 1 })
  const fresh = new WorkerPool({ size: 1 })
  t.teardown(() => Promise.all([reused.close(), fresh.close()]))
  const before = await reused.run(job(11))
  const second = await reused.run(job(12))
  const third = await reused.run(job(11))
  const alone = await fresh.run(job(12))
  t.is(second.traceHash, alone.traceHash, 'seed 12 after seed 11 = seed 12 alone')
  t.is(third.traceHash, before.traceHash, 'seed 11 again in the same process = seed 11 first')
  t.not(before.traceHash, second.traceHash, 'different seeds, different traces')
})

test('fuzz: a planted bug is found, shrunk, saved, and replays exactly in 5 processes', { timeout: 300_000 }, async (t) => {
  const out = await tmpDir(t)
  const mutant = 'session-count-off-by-one'
  const r = await cli(['fuzz', '--seeds', '1..20', '--jobs', '2', ...SMALL, '--no-progress', '--json', '--out', out, '--shrink-time', '60s'], { mutant })
  t.is(r.code, 1, 'exit 1: a seed failed')
  const json = lastJson<{ seeds: number, failures: Array<{ seed: number, invariant: string, steps: number, peers: number, replayFile: string }>, seedsPerSecond: number, realMs: number }>(r)
  t.ok(json.seeds >= 1 && json.seeds <= 20, `${json.seeds} seeds`)
  t.ok(typeof json.seedsPerSecond === 'number' && typeof json.realMs === 'number', 'rate and time reported')
  const f = json.failures[0]
  if (f === undefined) return t.fail('no failure reported')
  // The off-by-one leaves a session counted, so the store keeps its core: any of these sees it.
  t.ok(['session-count', 'left-open', 'open-after-close'].includes(f.invariant), `found ${f.invariant}`)
  t.ok(f.steps <= 15 && f.peers <= 3, `shrunk to ${f.steps} steps, ${f.peers} peers`)
  t.ok(fs.existsSync(f.replayFile), 'replay file written to --out')
  t.is(path.dirname(f.replayFile), out)
  t.ok(/replay: npx corestore-sim replay /.test(r.stdout), 'prints the replay command')
  t.ok(/^ +1\. +\d+\.\d{3} s {2}p\d /m.test(r.stdout), 'prints numbered steps with their virtual time')
  const replay = readReplayFile(f.replayFile)
  t.is(replay.steps.length, f.steps)

  const runs: Ran[] = await Promise.all(Array.from({ length: 5 }, () => cli(['replay', f.replayFile, '--json'], { mutant })))
  const hashes = runs.map((x) => lastJson<{ traceHash: string }>(x).traceHash)
  t.alike(runs.map((x) => x.code), [1, 1, 1, 1, 1], 'still fails in each process')
  t.alike(hashes, Array(5).fill(replay.recorded.traceHash), '5 processes, the recorded trace hash')
  t.ok(runs.every((x) => /trace: same as recorded/.test(x.stdout)))

  const fixed = await cli(['replay', f.replayFile])
  t.is(fixed.code, 0, 'passes on the real store')
  t.ok(fixed.stdout.includes(`passes: no invariant violated (recorded: ${f.invariant})`), fixed.stdout.trim().split('\n').pop())
})

test('fuzz: a clean campaign; --shard takes its share; --json is one line', { timeout: 180_000 }, async (t) => {
  const out = await tmpDir(t)
  const r = await cli(['fuzz', '--seeds', '1..6', '--shard', '2/3', '--jobs', '2', ...SMALL, '--no-progress', '--json', '--out', out])
  t.is(r.code, 0, r.stderr)
  const json = lastJson<{ seeds: number, failures: unknown[] }>(r)
  t.is(json.seeds, 2, 'seeds 2 and 5')
  t.alike(json.failures, [])
  t.ok(/^fuzz: 2 seeds \(seeds 1\.\.6, shard 2\/3\)/m.test(r.stdout), 'the summary names the shard')
  t.alike(fs.readdirSync(out), [], 'no replay file')
})

test('run: a failure is shrunk by default and saved with --save; --no-shrink keeps it whole', { timeout: 240_000 }, async (t) => {
  const dir = await tmpDir(t)
  const mutant = 'session-count-off-by-one'
  const save = path.join(dir, 'found.json')
  const r = await cli(['run', '--seed', '1', ...SMALL, '--no-progress', '--save', save, '--json'], { mutant })
  t.is(r.code, 1)
  const json = lastJson<{ violations: unknown[], shrunk?: { steps: number, peers: number, replayFile: string, traceFile: string } }>(r)
  const shrunk = json.shrunk
  if (shrunk === undefined) return t.fail('no shrunk field')
  t.ok(shrunk.steps <= 15 && shrunk.peers <= 3, `${shrunk.steps} steps, ${shrunk.peers} peers`)
  t.is(shrunk.replayFile, save)
  t.ok(fs.existsSync(shrunk.traceFile), 'trace file of the shrunk run')
  t.is(readReplayFile(save).steps.length, shrunk.steps)
  t.ok(/shrinking: /.test(r.stderr), 'progress on stderr')

  const whole = await cli(['run', '--seed', '1', ...SMALL, '--no-progress', '--no-shrink', '--json'], { mutant })
  t.is(whole.code, 1)
  t.is(lastJson<{ shrunk?: unknown }>(whole).shrunk, undefined, 'not shrunk')
  t.absent(/shrinking/.test(whole.stderr))
})

test('run: more peers than the descriptor limit allows is refused up front, naming the cause', { timeout: 60_000 }, async (t) => {
  const r = await cli(['run', '--peers', '1024', '--no-progress'], { shell: 'ulimit -n 1000;' })
  t.is(r.code, 2)
  t.is(r.stderr.trim().split('\n').length, 1, 'one line')
  t.ok(/--peers 1024: 1024 peers need about \d+ file descriptors .* this process may open 1000 \(ulimit -n\); raise it with `ulimit -n \d+`/.test(r.stderr), r.stderr)
  t.absent(STACK.test(r.stderr))
})

test('fd budget: computed from the peers; an EMFILE while opening peers is reported as what it is', (t) => {
  t.execution(() => checkFdBudget(8, 1000))
  t.exception(() => checkFdBudget(1024, 1000), /1024 peers need about \d+ file descriptors .* may open 1000 \(ulimit -n\)/)
  t.is(fdsNeeded(1024) > fdsNeeded(512), true)
  const emfile = explainOpenFailure(new Error('open peer 372: While open a file for appending: /tmp/x/peer-372/db/000000.dbtmp: Too many open files'), 1024)
  t.ok(emfile instanceof FdLimitError, 'an FdLimitError')
  t.ok(/^out of file descriptors .*while opening 1024 peers: open peer 372: .*raise it with `ulimit -n \d+`/.test((emfile as Error).message), (emfile as Error).message)
  const other = new Error('ENOENT: no such file or directory, mkdir /tmp/x/peer-997')
  t.is(explainOpenFailure(other, 8), other, 'other errors pass through while descriptors are plentiful')
})
