// Replays of workloads cannot lie (issue 22): a replay file records the workload it ran
// and refuses another or a changed one; its paths resolve from the file, so it replays
// from any folder; old (format 1) files still replay. Shrinking keeps the apps' noise off
// stderr. The autobee example runs clean, and its planted bug is found and shrunk.
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import {
  checkReplayWorkload, fingerprint, fingerprintDifference, jsonShape, loadWorkload, parseReplayFile, readReplayFile, runReplay, WorkloadError
} from '../../src/sim'
import { tmpDir } from '../helpers/create'
import { cli, lastJson, STACK } from '../helpers/cli'

const ROOT = path.join(__dirname, '..', '..', '..')
const FIXTURES = path.join(ROOT, 'test', 'integration', 'fixtures', 'workloads')
const TINY = ['--peers', '2', '--cores', '1', '--steps', '20', '--duration', '10s', '--no-progress']

/** A folder with a copy of the fixture workloads (to edit them), and a replay file of a failure of `failing.js` saved in `saved/`. */
async function savedFailure (t: Parameters<typeof tmpDir>[0]): Promise<{ dir: string, app: string, file: string }> {
  const dir = await tmpDir(t)
  const app = path.join(dir, 'app')
  fs.mkdirSync(app)
  fs.copyFileSync(path.join(FIXTURES, 'base.js'), path.join(app, 'base.js'))
  fs.writeFileSync(path.join(app, 'failing.js'), "module.exports = require('./base')({ invariants: { 'at most two ticks': (ctx) => ctx.state.runs > 2 ? `${ctx.state.runs} ticks` : null } })\n")
  const file = path.join(dir, 'saved', 'bug.json')
  const r = await cli(['run', '--seed', '1', ...TINY, '--workload', './failing.js', '--shrink-time', '30s', '--save', file], { cwd: app })
  if (r.code !== 1) throw new Error(`the fixture should fail: ${r.stdout}\n${r.stderr}`)
  return { dir, app, file }
}

test('replay: the file records its workload; paths are relative to the file; it replays from any folder', { timeout: 180_000 }, async (t) => {
  const { dir, file } = await savedFailure(t)
  const replay = readReplayFile(file)
  t.is(replay.format, 2)
  t.is(replay.workload, '../app/failing.js', 'the workload path is relative to the replay file')
  t.is(replay.scenario.workload, '../app/failing.js', 'in the scenario too')
  t.is(replay.workloadRecord?.name, 'fixture')
  t.alike(replay.workloadRecord?.operations, { tick: ['number'] }, 'operation names and argument shapes')
  t.ok(/^[0-9a-f]{64}$/.test(replay.workloadRecord?.source ?? ''), 'a hash of the module source')
  for (const cwd of ['/', path.join(dir, 'saved')]) {
    const r = await cli(['replay', file, '--no-progress'], { cwd })
    t.is(r.code, 1, `from ${cwd}: still fails (${r.stderr.trim()})`)
    t.ok(/trace: same as recorded/.test(r.stdout), `from ${cwd}: the same trace as the run that wrote it`)
  }
})

test('replay: another workload sharing an operation name, or an edited module, is refused in one line (exit 2) unless --allow-changed', { timeout: 180_000 }, async (t) => {
  const { app, file } = await savedFailure(t)
  const text = fs.readFileSync(file, 'utf8')
  // Another app with an operation of the same name, which passes with these steps: without the record it would exit 0.
  fs.writeFileSync(path.join(app, 'other.js'), "module.exports = { name: 'other', setup: async () => ({}), operations: { tick: { weight: 1, args: (r) => ({ text: String(r.int(0, 9)) }), run: async () => 1 } } }\n")
  const other = path.join(path.dirname(file), 'other.json')
  fs.writeFileSync(other, text.replaceAll('"../app/failing.js"', '"../app/other.js"'))
  const refused = await cli(['replay', other])
  t.is(refused.code, 2, 'refused')
  t.is(refused.stderr.trim().split('\n').length, 1, 'one line')
  t.ok(/^corestore-sim: \S+other\.json does not match \.\.\/app\/other\.js: it ran workload fixture \(operations tick\), this is workload other \(operations tick\) \(--allow-changed replays it anyway\)$/.test(refused.stderr.trim()), refused.stderr.trim())
  t.absent(STACK.test(refused.stderr), 'no stack trace')
  const anyway = await cli(['replay', other, '--allow-changed'])
  t.is(anyway.code, 0, 'with --allow-changed it runs (and here passes: exactly what the record prevents)')
  t.ok(/^warning: it ran workload fixture .*; replaying anyway \(--allow-changed\)$/m.test(anyway.stdout), 'with a warning')

  const original = fs.readFileSync(path.join(app, 'failing.js'))
  fs.appendFileSync(path.join(app, 'failing.js'), '// edited\n')
  const edited = await cli(['replay', file])
  t.is(edited.code, 2)
  t.ok(/workload fixture's module changed since the file was written \(source sha256 [0-9a-f]{12}, recorded [0-9a-f]{12}\)/.test(edited.stderr), edited.stderr.trim())
  fs.writeFileSync(path.join(app, 'failing.js'), original)
  t.is((await cli(['replay', file])).code, 1, 'restored: it replays (and fails) again')
  fs.appendFileSync(path.join(app, 'base.js'), '// a module it requires, edited\n')
  t.exception(() => checkReplayWorkload(readReplayFile(file), file), /module changed/, 'a local module it requires counts too')
  await t.exception(runReplay(file), /module changed/, 'replayTests (runReplay) refuses it as well')
  try {
    checkReplayWorkload(readReplayFile(file), file)
  } catch (err) {
    t.is((err as WorkloadError).code, 'WORKLOAD_CHANGED')
  }
})

test('replay: argument shapes and operation sets are compared; format 1 files (no record, cwd-relative paths) still replay', { timeout: 120_000 }, async (t) => {
  t.is(jsonShape({ b: [1, 'x'], a: null }), '{a:null,b:[number|string]}')
  const chat = loadWorkload(path.join(ROOT, 'examples', 'chat-workload.js'))
  const recorded = fingerprint(chat, null, 3)
  t.alike(recorded.operations, { post: ['{text:string}'], read: ['{at:number}'] })
  t.is(fingerprintDifference(recorded, recorded), null, 'the same workload agrees with itself')
  const args = { ...recorded, operations: { post: ['{text:string}'], read: ['{index:number}'] } }
  t.is(fingerprintDifference(args, recorded), 'operation read\'s arguments changed: recorded {index:number}; now {at:number}')
  const ops = { ...recorded, operations: { post: ['{text:string}'] } }
  t.is(fingerprintDifference(ops, recorded), 'workload chat\'s operations changed: recorded post; now post, read')

  const written = fs.readFileSync(path.join(ROOT, 'test', 'sim-regressions', 'base-apply-drops-node.json'), 'utf8')
  const broken = written.replace('"format": 1', '"format": 2').replace('"workload": "autobase",', '"workload": "autobase",\n  "workloadRecord": { "name": "autobase", "source": 7, "operations": {} },')
  t.exception(() => parseReplayFile(broken, 'x.json'), /x\.json: invalid replay file: "workloadRecord" needs a source \(a hash or null\)/, 'a bad record is refused in one line')

  const old = path.join(ROOT, 'test', 'sim-regressions', 'base-apply-drops-node.json')
  const replay = readReplayFile(old)
  t.is(replay.format, 1, 'a committed format 1 file')
  t.alike(checkReplayWorkload(replay, old), { spec: 'autobase', changed: null, checked: false }, 'read, not checked')
  const r = await cli(['replay', old, '--no-progress'])
  t.is(r.code, 0, `it still replays and passes: ${r.stderr.trim()}`)
})

test('shrink: the apps\' raw AssertionError stacks are not printed; one line counts them', { timeout: 180_000 }, async (t) => {
  const dir = await tmpDir(t)
  const workload = path.join(FIXTURES, 'noisy.js')
  const marker = (s: string): number => s.split('\n').filter((l) => l.includes('noisy-app-marker') && !l.includes('simulation processes:')).length
  const once = await cli(['run', '--seed', '1', ...TINY, '--workload', workload, '--no-shrink'])
  t.is(once.code, 1)
  const shrunk = await cli(['run', '--seed', '1', ...TINY, '--workload', workload, '--shrink-time', '30s', '--save', path.join(dir, 'n.json')])
  t.is(shrunk.code, 1)
  t.ok(/shrunk in/.test(shrunk.stdout), 'it shrank (many runs of the noisy app)')
  t.is(marker(shrunk.stderr), marker(once.stderr), `no more app output than the one run before the shrink prints (${marker(once.stderr)} lines)`)
  const summary = shrunk.stderr.split('\n').filter((l) => /simulation processes: the app printed \d+ lines \(not shown; first: AssertionError \[ERR_ASSERTION\]: noisy-app-marker\)/.test(l))
  t.is(summary.length, 1, `one summary line: ${summary[0] ?? shrunk.stderr.slice(-400)}`)
})

test('autobee example: it runs clean with work done; its planted bug is found and shrunk to a few steps', { timeout: 300_000 }, async (t) => {
  const dir = await tmpDir(t)
  const small = ['--seed', '1', '--peers', '2', '--cores', '1', '--steps', '40', '--duration', '30s', '--faults', 'none', '--no-progress', '--json']
  const clean = await cli(['run', ...small, '--workload', './examples/autobee-workload.js'], { cwd: ROOT })
  t.is(clean.code, 0, `the example holds: ${clean.stderr.trim()}`)
  const ops = lastJson<{ operations: Record<string, { ok: number }> }>(clean).operations
  t.ok((ops.put?.ok ?? 0) > 0 && (ops.del?.ok ?? 0) > 0 && (ops.get?.ok ?? 0) > 0, `work done: ${JSON.stringify(ops)}`)
  const save = path.join(dir, 'autobee-bug.json')
  const bug = await cli(['run', ...small, '--workload', './examples/autobee-workload-bug.js', '--shrink-time', '120s', '--save', save], { cwd: ROOT })
  t.is(bug.code, 1, 'the planted bug is found')
  const j = lastJson<{ violations: Array<{ invariant: string, detail: string }>, shrunk?: { steps: number, reproduced: boolean } }>(bug)
  const first = j.violations[0]
  t.ok(first !== undefined && first.invariant === 'workload' && /autobee-bug\.(final check|a writer reads its own last write)/.test(first.detail), `an app check fails: ${first?.detail ?? 'none'}`)
  t.ok(j.shrunk !== undefined && j.shrunk.steps <= 6 && j.shrunk.reproduced, `shrunk to ${j.shrunk?.steps ?? '?'} steps, reproduced`)
  t.ok(/p\d+ del /.test(bug.stdout), 'the shrunk steps include the delete the bug drops')
  const replay = await cli(['replay', save], { cwd: '/' })
  t.is(replay.code, 1, 'its replay file fails from anywhere')
})
