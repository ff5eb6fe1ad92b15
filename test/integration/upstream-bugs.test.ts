// The standalone reproductions of bugs in packages we do not own (test/upstream-bugs),
// each run as a user would: a plain Node script, no simulator. Each must still show its
// bug on the installed version: when an upgrade fixes one, this fails and says which
// known-bugs.json entry to remove. Our store runs the same scripts for contrast.
import test from 'brittle'
import { spawn } from 'child_process'
import fs from 'fs'
import path from 'path'
import semver from 'semver'
import { installedVersion, loadKnownBugs } from '../../src/sim/checks/known-bugs'
import { CLI, collect, type Ran } from '../helpers/cli'

/** The repository (this file runs from build/test/integration). */
const ROOT = path.join(__dirname, '..', '..', '..')
const DIR = path.join(ROOT, 'test', 'upstream-bugs')
const KNOWN = path.join(ROOT, 'known-bugs.json')

/** Exit code of a reproduction that shows its bug (0: the bug is gone). */
const PRESENT = 10

/** A Hyperbee whose put releases its lock when it fails: the planted fix of the hyperbee script. */
const FIXED_HYPERBEE = path.join(__dirname, 'fixtures', 'hyperbee-put-unlocks.js')

/** Planted fixes of the other scripts' bugs: with one preloaded, its script must say bug gone. */
const PLANTED_FIXES: Array<[string, string]> = [
  ['hypercore-moveto-activity.js', path.join(__dirname, 'fixtures', 'hypercore-moves-activity.js')],
  ['autobase-ack-timer-stale-error.js', path.join(__dirname, 'fixtures', 'autobase-timer-recovers.js')]
]

/**
 * The scripts mostly wait (request timeouts, reopened folders): run up to this many at
 * once. Every run a test needs is started when the file loads, in test order, so the
 * tests, still one at a time, find most of them finished.
 */
const CONCURRENCY = 3
let running = 0
const waiting: Array<() => void> = []

async function limited<T> (work: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve))
  running++
  try {
    return await work()
  } finally {
    running--
    waiting.shift()?.()
  }
}

const started = new Map<string, Promise<Ran>>()

/** The run of a repro script with these arguments: started once, ahead of its test. */
function early (args: readonly string[]): Promise<Ran> {
  const key = JSON.stringify(args)
  let run = started.get(key)
  if (run === undefined) started.set(key, (run = limited(() => node(args))))
  return run
}

function node (args: readonly string[]): Promise<Ran> {
  return collect(spawn(process.execPath, [...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT }))
}

/** What a repro script is about: its package, and the known entry (if any) that names it. */
interface Repro {
  file: string
  package: string
  /** Versions the known entry covers; null: a bug no simulator violation shows (README only). */
  versions: string | null
  /** Whether our store has the bug too (the bug is the app's, not the store's). */
  oursToo: boolean
}

const REPROS: Repro[] = [
  { file: 'corestore-failed-open-lock.js', package: 'corestore', versions: null, oursToo: false },
  { file: 'corestore-failed-ready-lock.js', package: 'corestore', versions: null, oursToo: false },
  { file: 'corestore-close-pending.js', package: 'corestore', versions: null, oursToo: false },
  { file: 'corestore-staticify-unwritable.js', package: 'corestore', versions: null, oursToo: true },
  { file: 'hyperbee-put-hangs-after-read-error.js', package: 'hyperbee', versions: null, oursToo: true },
  { file: 'hypercore-moveto-activity.js', package: 'hypercore', versions: null, oursToo: true },
  { file: 'autobase-ack-timer-stale-error.js', package: 'autobase', versions: null, oursToo: true },
  { file: 'autobase-crash-duplicate-node.js', package: 'autobase', versions: null, oursToo: true },
  { file: 'hypercore-serve-read-error-stalls.js', package: 'hypercore', versions: null, oursToo: true },
  { file: 'hypercore-trusts-own-disk.js', package: 'hypercore', versions: null, oursToo: true },
  { file: 'hypercore-signs-rotten-tree.js', package: 'hypercore', versions: null, oursToo: true },
  { file: 'hypercore-persists-rotten-bitfield.js', package: 'hypercore', versions: null, oursToo: true }
]

// The ranges come from known-bugs.json, so the file and the scripts cannot drift apart.
const known = loadKnownBugs(KNOWN)
for (const r of REPROS) r.versions = known.find((b) => path.basename(b.repro) === r.file)?.versions ?? null

for (const r of REPROS) {
  void early([path.join(DIR, r.file)])
  void early([path.join(DIR, r.file), '--store', 'project'])
}

test('upstream bugs: every script in test/upstream-bugs is checked here, and every known entry names one', (t) => {
  const scripts = fs.readdirSync(DIR).filter((f) => f.endsWith('.js')).sort()
  t.alike(scripts, REPROS.map((r) => r.file).sort(), 'the scripts checked are the scripts there')
  for (const bug of known) {
    t.ok(fs.existsSync(bug.reproPath), `${bug.id}: ${bug.repro} exists`)
    t.ok(REPROS.some((r) => bug.reproPath === path.join(DIR, r.file)), `${bug.id}: its repro is one of test/upstream-bugs`)
  }
})

for (const r of REPROS) {
  test(`upstream bug still there: ${r.file}`, { timeout: 60_000 }, async (t) => {
    const version = installedVersion(r.package)
    const ran = await early([path.join(DIR, r.file)])
    const present = ran.code === PRESENT && /^bug present$/m.test(ran.stdout)
    const entry = r.versions === null ? 'its README row' : 'its entries in known-bugs.json and its README row'
    if (ran.code === 0 && /^bug gone$/m.test(ran.stdout)) {
      t.fail(`${r.package} ${version ?? '(not installed)'}: the bug of ${r.file} is gone: remove ${entry} (and the script)\n${ran.stdout}`)
    } else {
      t.ok(present, `${r.package} ${version ?? '?'}: bug present (exit ${ran.code})`)
      if (!present) t.comment(`${ran.stdout}${ran.stderr}`)
    }
    if (r.versions !== null && version !== null) {
      t.ok(semver.satisfies(version, r.versions), `${r.package} ${version} is in the known range ${r.versions} (else: the bug is still there, widen the range)`)
    }
  })

  test(`upstream bug, contrast on our store: ${r.file} --store project`, { timeout: 60_000 }, async (t) => {
    const ran = await early([path.join(DIR, r.file), '--store', 'project'])
    if (r.oursToo) {
      t.is(ran.code, PRESENT, 'the bug is the app\'s: on our store too')
    } else {
      t.is(ran.code, 0, 'our store does not have it')
      t.ok(/^bug gone$/m.test(ran.stdout), 'says bug gone')
    }
    if (ran.code !== (r.oursToo ? PRESENT : 0)) t.comment(`${ran.stdout}${ran.stderr}`)
  })
}

test('upstream bug: a Hyperbee with the bug fixed (planted) makes its script say bug gone', { timeout: 60_000 }, async (t) => {
  const ran = await node(['--require', FIXED_HYPERBEE, path.join(DIR, 'hyperbee-put-hangs-after-read-error.js')])
  t.is(ran.code, 0, 'exit 0')
  t.ok(/^put 2 \(no fault\): resolved$/m.test(ran.stdout), 'the second put resolves')
  t.ok(/^bug gone$/m.test(ran.stdout), 'says bug gone')
  if (ran.code !== 0) t.comment(`${ran.stdout}${ran.stderr}`)
})

for (const [file, fix] of PLANTED_FIXES) {
  test(`upstream bug: with the bug fixed (planted), ${file} says bug gone`, { timeout: 60_000 }, async (t) => {
    const ran = await node(['--require', fix, path.join(DIR, file)])
    t.is(ran.code, 0, 'exit 0')
    t.ok(/^bug gone$/m.test(ran.stdout), 'says bug gone')
    if (ran.code !== 0) t.comment(`${ran.stdout}${ran.stderr}`)
  })
}

test('upstream bug: autobase-crash-duplicate-node.js without its crash (the control) says bug gone', { timeout: 60_000 }, async (t) => {
  // The same schedule with no peer killed: no view holds a node twice, so the duplicates
  // the script reports come from the crash, and the script can say the bug is gone.
  const ran = await node([path.join(DIR, 'autobase-crash-duplicate-node.js'), '--no-crash'])
  t.is(ran.code, 0, 'exit 0')
  t.ok(/^schedule \d+: no crash$/m.test(ran.stdout), 'no peer was killed')
  t.ok(/^bug gone$/m.test(ran.stdout), 'says bug gone')
  if (ran.code !== 0) t.comment(`${ran.stdout}${ran.stderr}`)
})

/** Shrunk simulator failures on our store, each explained by a known bug with a script above. */
const SHRUNK: Array<[string, string, RegExp]> = [
  // Three appends, a crash of the peer that reorders, a read: the view holds a node twice.
  ['autobase-crash-duplicate-node.json', 'autobase-crash-duplicate-node', / appears twice on a base reopened after its writes stopped \(a crash or a refused write\)/],
  // An add-writer, an append, one read error on the bootstrap peer: its view never gets the node.
  ['autobase-read-error-stall.json', 'hypercore-replication-read-error-stall', /^autobase\.final check: peer 0's view lost acknowledged node\(s\) 1:0$/]
]

for (const [fixture, id, shows] of SHRUNK) {
  test(`upstream bug: the simulator's shrunk ${fixture} shows ${id}, known`, { timeout: 240_000 }, async (t) => {
    // With --known the replay passes and names the bug; were the workload's wording and the
    // entry to drift apart (or the bug to go), it would exit 1 or find nothing known. On our
    // store only: a replay is exact for the store it ran on (upstream's storage calls
    // differ, so its faults land elsewhere); the scripts above show the bugs on both.
    const file = path.join(ROOT, 'test', 'integration', 'fixtures', fixture)
    const ran = await node([CLI, 'replay', file, '--known', KNOWN, '--json'])
    const summary = JSON.parse(ran.stdout.trim().split('\n').pop() ?? '{}') as { violations?: Array<{ detail: string, known?: string }> }
    const seen = (summary.violations ?? []).filter((v) => shows.test(v.detail))
    t.is(ran.code, 0, 'exit 0 (every violation known)')
    t.ok(seen.length > 0 && seen.every((v) => v.known === id), `${seen.length} violation(s) showing it, each known as ${id}`)
    if (ran.code !== 0 || seen.length === 0) t.comment(ran.stdout.slice(-2000) + ran.stderr.slice(-2000))
  })
}
