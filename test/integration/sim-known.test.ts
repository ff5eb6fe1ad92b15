// `--known FILE` (known bugs of packages we do not own) on `corestore-sim run`, `fuzz` and
// `replay`: a file is validated before anything runs, a violation that matches an entry
// is reported as known and does not fail, one that does not match still fails. The
// violations come from a planted bug (session-count-off-by-one) on our store (what it
// breaks depends on the scenario: the tests read it from a run without --known); the
// entries that "know" it name hypercore, which is installed, so only the matching
// rules are under test.
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { installedVersion, KnownBugsError, loadKnownBugs, matchKnown, type KnownBugEntry } from '../../src/sim/checks/known-bugs'
import type { Violation } from '../../src/sim'
import { tmpDir } from '../helpers/create'
import { cli, lastJson, STACK } from '../helpers/cli'

const ROOT = path.join(__dirname, '..', '..', '..')
const MUTANT = 'session-count-off-by-one'
const SENTINEL = path.join(ROOT, 'test', 'sim-regressions', `${MUTANT}.json`)
const SMALL = ['--peers', '3', '--cores', '2', '--steps', '40', '--duration', '30s']

/** A known-bugs file in `dir` with these entries (defaults filled in); returns its path. */
function knownFile (dir: string, entries: Array<Partial<KnownBugEntry>>, name = 'known.json'): string {
  fs.writeFileSync(path.join(dir, 'repro.js'), '// a repro\n')
  const full = entries.map((e) => ({ id: 'planted', package: 'hypercore', versions: '11.x', invariant: 'session-count', detail: '.', repro: 'repro.js', ...e }))
  const file = path.join(dir, name)
  fs.writeFileSync(file, JSON.stringify(full))
  return file
}

const BAD_FILES: Array<[string, string, RegExp]> = [
  ['not JSON', '[{', /: not JSON \(/],
  ['not a list', '{}', /: must be a JSON list of known bugs$/],
  ['an entry not an object', '[1]', /: entry 0: must be an object$/],
  ['a missing field', JSON.stringify([{ id: 'x', package: 'p', versions: '1.x', invariant: 'left-open', detail: '.' }]), /: entry 0: repro must be a non-empty string$/],
  ['an unknown field', JSON.stringify([{ id: 'x', package: 'p', versions: '1.x', invariant: 'left-open', detail: '.', repro: 'repro.js', owner: 'me' }]), /: entry 0: unknown field "owner"/],
  ['an unknown invariant', JSON.stringify([{ id: 'x', package: 'p', versions: '1.x', invariant: 'left-opened', detail: '.', repro: 'repro.js' }]), /: entry 0: unknown invariant "left-opened"/],
  ['a bad range', JSON.stringify([{ id: 'x', package: 'p', versions: 'one', invariant: 'left-open', detail: '.', repro: 'repro.js' }]), /: entry 0: versions "one" is not a semver range$/],
  ['a bad pattern', JSON.stringify([{ id: 'x', package: 'p', versions: '1.x', invariant: 'left-open', detail: '(', repro: 'repro.js' }]), /: entry 0: detail is not a regular expression/],
  ['a missing repro', JSON.stringify([{ id: 'x', package: 'p', versions: '1.x', invariant: 'left-open', detail: '.', repro: 'gone.js' }]), /: entry 0: repro gone\.js does not exist/],
  ['an unknown fault kind', JSON.stringify([{ id: 'x', package: 'p', versions: '1.x', invariant: 'left-open', detail: '.', repro: 'repro.js', faults: ['bit-rot'] }]), /: entry 0: unknown fault kind "bit-rot" in faults/],
  ['faults not a list', JSON.stringify([{ id: 'x', package: 'p', versions: '1.x', invariant: 'left-open', detail: '.', repro: 'repro.js', faults: 'read-error' }]), /: entry 0: faults must be a non-empty list of fault kinds$/],
  ['one id, two packages', JSON.stringify([
    { id: 'x', package: 'p', versions: '1.x', invariant: 'left-open', detail: '.', repro: 'repro.js' },
    { id: 'x', package: 'q', versions: '1.x', invariant: 'convergence', detail: '.', repro: 'repro.js' }
  ]), /: entry 1: id "x" is used before with another package, versions or repro$/]
]

test('known bugs: a bad file is refused with a stable code, naming what is wrong', async (t) => {
  const dir = await tmpDir(t)
  fs.writeFileSync(path.join(dir, 'repro.js'), '')
  for (const [what, text, message] of BAD_FILES) {
    const file = path.join(dir, 'bad.json')
    fs.writeFileSync(file, text)
    try {
      loadKnownBugs(file)
      t.fail(`${what}: accepted`)
    } catch (err) {
      t.ok(err instanceof KnownBugsError && err.code === 'KNOWN_BUGS_INVALID', `${what}: KNOWN_BUGS_INVALID`)
      t.ok(message.test((err as Error).message), `${what}: ${(err as Error).message}`)
    }
  }
  t.exception(() => loadKnownBugs(path.join(dir, 'none.json')), /none\.json: cannot read it \(ENOENT\)/)
})

test('known bugs: a violation matches on invariant, detail, installed version and store', async (t) => {
  const dir = await tmpDir(t)
  const hypercore = installedVersion('hypercore')
  t.is(hypercore, '11.37.1', 'the pinned hypercore is what the rules see')
  const v: Violation = { invariant: 'left-open', atMs: 1, step: null, peer: 2, detail: '1 store(s) or storage(s) not closed' }
  const bugs = (e: Partial<KnownBugEntry>) => loadKnownBugs(knownFile(dir, [{ invariant: 'left-open', detail: '^\\d+ store', ...e }]))
  t.is(matchKnown(v, bugs({}), 'project'), 'planted', 'all match')
  t.is(matchKnown(v, bugs({ invariant: 'convergence' }), 'project'), null, 'another invariant')
  t.is(matchKnown(v, bugs({ detail: 'core\\(s\\)' }), 'project'), null, 'a detail the pattern does not match')
  t.is(matchKnown(v, bugs({ versions: '<11.37.1' }), 'project'), null, 'an installed version outside the range')
  t.is(matchKnown(v, bugs({ package: 'no-such-package-here' }), 'project'), null, 'a package not installed')
  t.is(matchKnown(v, bugs({ store: 'upstream' }), 'project'), null, 'another store')
  t.is(matchKnown(v, bugs({ store: 'corestore' }), 'upstream'), 'planted', 'upstream is the corestore package')
  t.is(matchKnown(v, bugs({ faults: ['read-error'] }), 'project'), null, 'tied to a fault kind the run did not inject')
  t.is(matchKnown(v, bugs({ faults: ['read-error'] }), 'project', new Set(['crash'])), null, 'another fault kind injected')
  t.is(matchKnown(v, bugs({ faults: ['disk-error', 'read-error'] }), 'project', new Set(['crash', 'read-error'])), 'planted', 'one of its fault kinds injected')
})

test('known bugs: the shipped known-bugs.json loads, and every repro it names exists', (t) => {
  const bugs = loadKnownBugs(path.join(ROOT, 'known-bugs.json'))
  t.ok(bugs.length > 0, `${bugs.length} entries`)
  for (const bug of bugs) {
    t.ok(fs.existsSync(bug.reproPath), `${bug.id}: ${bug.repro}`)
    t.ok(bug.installed !== null, `${bug.id}: ${bug.package} is installed (${bug.installed ?? 'no'})`)
  }
})

test('--known: a bad file is one line plus the usage, exit 2, on run, fuzz and replay', { timeout: 60_000 }, async (t) => {
  const dir = await tmpDir(t)
  const bad = path.join(dir, 'bad.json')
  fs.writeFileSync(bad, '{}')
  for (const args of [['run', '--known', bad], ['fuzz', '--known', bad], ['replay', SENTINEL, '--known', bad], ['run', '--known', '']]) {
    const r = await cli(args)
    const [first, second] = r.stderr.split('\n')
    t.is(r.code, 2, `${args.join(' ')}: exit 2`)
    t.ok(/^corestore-sim: --known (.*bad\.json: must be a JSON list of known bugs|needs a file name)$/.test(first ?? ''), first ?? '')
    t.ok(new RegExp(`^usage: corestore-sim ${args[0] as string}`).test(second ?? ''), 'usage follows')
    t.absent(STACK.test(r.stderr), 'no stack trace')
    t.is(r.stdout, '', 'nothing ran')
  }
})

interface RunJson { violations: Array<Violation & { known?: string }> }

test('run --known: known violations pass (exit 0, known: ID, a known row), unmatched ones still fail', { timeout: 180_000 }, async (t) => {
  const dir = await tmpDir(t)
  const args = ['run', '--seed', '1', ...SMALL, '--no-progress', '--no-shrink', '--json']
  const plain = await cli(args, { mutant: MUTANT })
  t.is(plain.code, 1, 'the planted bug fails the run')
  const found = lastJson<RunJson>(plain).violations
  const invariants = [...new Set(found.map((v) => v.invariant))]
  t.ok(found.length > 0, `violations: ${invariants.join(', ')}`)

  const all = knownFile(dir, invariants.map((invariant) => ({ invariant })), 'all.json')
  const known = await cli([...args, '--known', all], { mutant: MUTANT })
  t.is(known.code, 0, 'only known violations: exit 0')
  const marked = lastJson<RunJson>(known).violations
  t.is(marked.length, found.length, 'every violation is still reported')
  t.ok(marked.every((v) => v.known === 'planted'), 'each one says known: planted')
  t.ok(new RegExp(`known \\(not failing\\)\\s+${found.length} \\(planted ${found.length}\\)`).test(known.stdout), 'a separate known count in the table')
  t.ok(/\[known: planted\]/.test(known.stdout), 'the listed violations name their bug')

  const other = knownFile(dir, invariants.map((invariant) => ({ invariant, detail: '^this never appears$' })), 'other.json')
  const unmatched = await cli([...args, '--known', other], { mutant: MUTANT })
  t.is(unmatched.code, 1, 'an unmatched violation still fails')
  t.ok(lastJson<RunJson>(unmatched).violations.every((v) => v.known === undefined), 'none marked known')
  t.ok(/known \(not failing\)\s+0$/m.test(unmatched.stdout), 'known count 0')
})

test('replay and fuzz --known: known violations pass, unmatched ones fail', { timeout: 300_000 }, async (t) => {
  const dir = await tmpDir(t)
  const replayPlain = await cli(['replay', SENTINEL, '--json'], { mutant: MUTANT })
  t.is(replayPlain.code, 1, 'the sentinel fails with its planted bug')
  const invariants = [...new Set(lastJson<RunJson>(replayPlain).violations.map((v) => v.invariant))]
  const all = knownFile(dir, invariants.map((invariant) => ({ invariant })), 'all.json')
  const other = knownFile(dir, [{ invariant: 'session-count', detail: '^this never appears$' }], 'other.json')

  const replayKnown = await cli(['replay', SENTINEL, '--json', '--known', all], { mutant: MUTANT })
  t.is(replayKnown.code, 0, 'replay: only known violations, exit 0')
  t.ok(/^passes: only known bugs \(\d+ violations?\)/m.test(replayKnown.stdout), 'replay says so')
  t.ok(lastJson<RunJson>(replayKnown).violations.every((v) => v.known === 'planted'), 'replay --json marks them')
  const replayOther = await cli(['replay', SENTINEL, '--known', other], { mutant: MUTANT })
  t.is(replayOther.code, 1, 'replay: unmatched, exit 1')

  const fuzzArgs = ['fuzz', '--seeds', '1..2', '--jobs', '2', ...SMALL, '--no-progress', '--no-shrink', '--keep-going', '--json', '--out', path.join(dir, 'out')]
  const fuzzPlain = await cli(fuzzArgs, { mutant: MUTANT })
  t.is(fuzzPlain.code, 1, 'fuzz finds the planted bug')
  const fuzzInvariants = [...new Set(lastJson<{ failures: Array<{ invariant: Violation['invariant'] }> }>(fuzzPlain).failures.map((f) => f.invariant))]
  const fuzzAll = knownFile(dir, [...new Set<Violation['invariant']>([...invariants, ...fuzzInvariants, 'session-count'])].map((invariant) => ({ invariant })), 'fuzz.json')
  const fuzzKnown = await cli([...fuzzArgs, '--known', fuzzAll], { mutant: MUTANT })
  const report = lastJson<{ failures: unknown[], known: Array<{ seed: number, bugs: string[] }> }>(fuzzKnown)
  t.is(fuzzKnown.code, 0, 'fuzz: only known violations, exit 0')
  t.is(report.failures.length, 0, 'no failing seed')
  t.ok(report.known.length > 0 && report.known.every((k) => k.bugs.includes('planted')), `known seeds: ${JSON.stringify(report.known)}`)
  t.ok(/with known bugs only/.test(fuzzKnown.stdout), 'the summary counts them')
  const fuzzOther = await cli([...fuzzArgs, '--known', other], { mutant: MUTANT })
  t.is(fuzzOther.code, 1, 'fuzz: unmatched, exit 1')
})
