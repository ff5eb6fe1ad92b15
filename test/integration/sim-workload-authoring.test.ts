// Writing a workload from the README alone (issue 22): require() resolves from the
// workload's folder and a missing dependency is named; the README's reference lists every
// member of the contract; time limits are configurable and named when they run out;
// ctx.skip counts work not done; fuzz --help and replay's flags. Bad input: one line, exit 2.
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { hyperbeeWorkload, Sim, type AnyWorkload } from '../../src/sim'
import { tmpDir } from '../helpers/create'
import { cli, lastJson, STACK, type Ran } from '../helpers/cli'

const ROOT = path.join(__dirname, '..', '..', '..')
const FIXTURES = './test/integration/fixtures/workloads'
const TINY = ['--peers', '2', '--cores', '1', '--steps', '20', '--duration', '10s', '--no-progress', '--no-shrink']
const IN_ROOT = { cwd: ROOT }

/** A run that must be refused: exit 2, one line on stderr (plus usage for a usage error), no stack. */
function refused (t: { is: (a: unknown, b: unknown, m?: string) => void, ok: (v: unknown, m?: string) => void, absent: (v: unknown, m?: string) => void }, r: Ran, message: RegExp, what: string): void {
  t.is(r.code, 2, `${what}: exit 2`)
  const first = r.stderr.split('\n')[0] ?? ''
  t.ok(message.test(first), `${what}: ${first}`)
  t.absent(STACK.test(r.stderr), `${what}: no stack trace`)
}

test('authoring: require() resolves from the workload file\'s folder; a missing dependency is named, one line, exit 2', { timeout: 120_000 }, async (t) => {
  const dir = await tmpDir(t)
  const app = path.join(dir, 'app')
  fs.mkdirSync(path.join(app, 'node_modules', 'my-counter'), { recursive: true })
  fs.writeFileSync(path.join(app, 'node_modules', 'my-counter', 'index.js'), 'module.exports = () => ({ n: 0 })\n')
  const base = fs.readFileSync(path.join(ROOT, FIXTURES, 'base.js'), 'utf8')
  fs.writeFileSync(path.join(app, 'base.js'), base)
  fs.writeFileSync(path.join(app, 'w.js'), "const counter = require('my-counter')\nmodule.exports = require('./base')({ setup: async () => counter() })\n")
  fs.writeFileSync(path.join(app, 'missing.js'), "require('no-such-dependency-of-a-workload')\nmodule.exports = require('./base')({})\n")
  // Run from another folder: the package is only found from the workload's own folder.
  const ok = await cli(['run', '--seed', '1', ...TINY, '--workload', path.join(app, 'w.js')], { cwd: dir })
  t.is(ok.code, 0, `a package beside the workload is found: ${ok.stderr.trim()}`)
  const missing = await cli(['run', '--seed', '1', ...TINY, '--workload', path.join(app, 'missing.js')], { cwd: dir })
  refused(t, missing, /^corestore-sim: --workload \S+missing\.js: it requires 'no-such-dependency-of-a-workload', which cannot be found from \S+app \(a workload's require\(\) resolves from its own folder\): install it with `npm install no-such-dependency-of-a-workload` in /, 'missing dependency')
  t.is(missing.stderr.trim().split('\n').length, 1, 'one line')
  t.absent(/cannot find module \S+missing\.js/.test(missing.stderr), 'it does not claim the workload file is missing')
  const relative = await cli(['run', '--seed', '1', ...TINY, '--workload', './nope/w.js'], { cwd: dir })
  refused(t, relative, /cannot find module \S+nope\/w\.js$/, 'a workload file that is missing')
})

/** The members of an exported interface of src/sim/workloads/workload.ts. */
function members (source: string, name: string): string[] {
  const body = new RegExp(`export interface ${name}(?:<[^>]*>)?(?: extends [^{]+)? \\{\\n([\\s\\S]*?)\\n\\}`).exec(source)?.[1] ?? ''
  return [...body.matchAll(/^ {2}(?:readonly )?(\w+)\??\s*(?:<[^>]*>)?\s*[(:]/gm)].map((m) => m[1] as string)
}

/** Members with no line of their own (`- \`[ctx.]member...: type\``) in the README's reference. */
function undocumented (readme: string, source: string): string[] {
  const start = readme.indexOf('### Writing a workload')
  const section = start < 0 ? '' : readme.slice(start, readme.indexOf('\n## ', start))
  const names = ['Workload', 'Operation', 'WorkloadContext', 'WorkloadRandom', 'WorkloadPeer', 'AppPeer'].flatMap((i) => members(source, i))
  return [...new Set(names)].filter((m) => !new RegExp(`^- \`(?:[\\w.]+\\.)?${m}\\b[^\`]*:[^\`]*\``, 'm').test(section))
}

test('authoring: the README\'s "Writing a workload" reference has a typed line for every field and context member', (t) => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const source = fs.readFileSync(path.join(ROOT, 'src', 'sim', 'workloads', 'workload.ts'), 'utf8')
  const all = ['Workload', 'Operation', 'WorkloadContext', 'WorkloadRandom'].map((i) => members(source, i))
  t.ok(all.every((m) => m.length >= 4), `members found: ${all.map((m) => m.join(' ')).join(' / ')}`)
  for (const m of ['check', 'setupTimeoutMs', 'checkTimeoutMs', 'replicated', 'skip', 'app', 'pick', 'chance', 'abandoned']) {
    t.ok(all.flat().includes(m), `${m} is a member`)
  }
  t.alike(undocumented(readme, source), [], 'every member has its line')
  // The check can fail: the README without its skip line misses exactly that member.
  const planted = readme.split('\n').filter((l) => !/^- `ctx\.skip/.test(l)).join('\n')
  t.alike(undocumented(planted, source), ['skip'], 'a README without the ctx.skip line is caught')
})

test('authoring: time limits from the workload or the CLI; a timeout names the limit, the step and the peer', { timeout: 180_000 }, async (t) => {
  const hang = await cli(['run', '--seed', '1', ...TINY, '--workload', `${FIXTURES}/setup-hangs.js`, '--setup-timeout', '2s'], IN_ROOT)
  refused(t, hang, /^corestore-sim: error: workload fixture: setup on peer 0 at start did not resolve within setupTimeoutMs = 2000 ms of virtual time \(raise it with the workload's setupTimeoutMs or --setup-timeout\)$/, '--setup-timeout')
  const own = await cli(['run', '--seed', '1', ...TINY, '--workload', `${FIXTURES}/check-hangs-on-peer.js`], IN_ROOT)
  t.is(own.code, 1, 'a check that does not finish is a violation')
  t.ok(/final check: did not finish within checkTimeoutMs = 3000 ms of virtual time .* after the heal; it last asked for the app of peer 1/.test(own.stdout), 'the workload\'s own checkTimeoutMs, and the peer it waited on')
  const flag = await cli(['run', '--seed', '1', ...TINY, '--workload', `${FIXTURES}/check-hangs-on-peer.js`, '--check-timeout', '1.5s'], IN_ROOT)
  t.ok(/checkTimeoutMs = 1500 ms/.test(flag.stdout), '--check-timeout overrides it')
  t.ok(/^replay: npx corestore-sim run .* --workload \S+check-hangs-on-peer\.js --check-timeout 1500ms /m.test(flag.stdout), 'and the replay line keeps it')

  // After a restart, inside a step: the violation names the step and the peer.
  let setups = 0
  const slowReopen: AnyWorkload = { ...hyperbeeWorkload, name: 'slow-reopen', setupTimeoutMs: 4000, setup: async (peer, ctx) => (++setups > 2 ? new Promise(() => {}) : hyperbeeWorkload.setup(peer, ctx)) }
  const sim = await Sim.create({ seed: 1, peers: 2, cores: 0, workload: slowReopen })
  t.teardown(() => sim.close())
  await sim.apply({ kind: 'crash', peer: 1 })
  await sim.apply({ kind: 'restart', peer: 1 })
  const v = sim.violations.find((x) => x.invariant === 'workload')
  t.ok(v !== undefined && /setup on peer 1 after its restart \(step 2\) did not resolve within setupTimeoutMs = 4000 ms/.test(v.detail) && v.peer === 1, `names step and peer: ${v?.detail ?? 'no violation'}`)

  const bad: Array<[string[], RegExp, string]> = [
    [['--workload', 'hyperbee', '--setup-timeout', '0'], /^corestore-sim: --setup-timeout must be longer than 0$/, 'zero'],
    [['--workload', 'hyperbee', '--check-timeout', 'soon'], /^corestore-sim: bad duration "soon": use e\.g\. 600000, 600s, 10m$/, 'not a duration'],
    [['--check-timeout', '5s'], /^corestore-sim: --check-timeout needs --workload/, 'without a workload'],
    [['--workload', `${FIXTURES}/bad-timeout.js`], /^corestore-sim: --workload \S+bad-timeout\.js: fixture: setupTimeoutMs must be a positive integer \(virtual ms\), got -1/, 'a bad limit in the workload']
  ]
  for (const [args, message, what] of bad) refused(t, await cli(['run', '--seed', '1', ...TINY, ...args], IN_ROOT), message, what)
})

test('authoring: ctx.skip(reason) is counted by reason, not as done; a bad skip is one line, exit 2', { timeout: 120_000 }, async (t) => {
  const r = await cli(['run', '--seed', '2', ...TINY, '--workload', `${FIXTURES}/skips.js`, '--json'], IN_ROOT)
  t.is(r.code, 0, r.stderr)
  const tick = lastJson<{ operations: Record<string, { runs: number, ok: number, skipped: Record<string, number> }> }>(r).operations.tick
  const skipped = tick?.skipped['odd argument'] ?? 0
  t.ok(tick !== undefined && skipped > 0 && tick.ok > 0, `some skipped, some done: ${JSON.stringify(tick)}`)
  t.is((tick?.ok ?? 0) + skipped, tick?.runs, 'a skipped run is not counted as done')
  t.ok(new RegExp(`operations skipped\\s+tick ${skipped} \\(odd argument\\)`).test(r.stdout), 'the summary counts skips by reason')
  refused(t, await cli(['run', '--seed', '1', ...TINY, '--workload', `${FIXTURES}/skip-bad.js`], IN_ROOT),
    /^corestore-sim: error: workload fixture: operation tick: ctx\.skip\(reason\) needs a reason of 1 to 80 characters, got 42$/, 'a reason that is not text')
  refused(t, await cli(['run', '--seed', '1', ...TINY, '--workload', `${FIXTURES}/skip-outside.js`], IN_ROOT),
    /^corestore-sim: error: workload fixture: ctx\.skip\(\) was called outside an operation$/, 'skip in an invariant')
})

test('authoring: fuzz --help lists --workload once; replay accepts --no-progress', { timeout: 60_000 }, async (t) => {
  const help = await cli(['fuzz', '--help'])
  t.is(help.code, 0)
  t.is(help.stdout.split('\n').filter((l) => /^\s+--workload\b/.test(l)).length, 1, '--workload once')
  t.ok(/--setup-timeout T/.test(help.stdout) && /--check-timeout T/.test(help.stdout), 'the time limits are listed')
  const replayHelp = await cli(['replay', '--help'])
  t.ok(/--no-progress/.test(replayHelp.stdout) && /--allow-changed/.test(replayHelp.stdout), 'replay --help lists --no-progress and --allow-changed')
  const file = path.join(ROOT, 'test', 'sim-regressions', 'session-count-off-by-one.json')
  const r = await cli(['replay', file, '--no-progress'])
  t.is(r.code, 0, `replay --no-progress runs: ${r.stderr.trim()}`)
  refused(t, await cli(['replay', file, '--no-such-flag']), /^corestore-sim: unknown option --no-such-flag$/, 'an unknown flag is still refused')
})
