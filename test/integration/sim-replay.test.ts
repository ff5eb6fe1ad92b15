// Replay files: written, read back, refused with one line when they are bad; and the
// `corestore-sim replay` command's contract for bad input (exit 2, one line, no stack).
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import {
  formatReplayFile, generateScenario, makeReplayFile, parseReplayFile, readReplayFile, REPLAY_FORMAT, replayScenario,
  writeReplayFile, ReplayFileError, packageInfo
} from '../../src/sim'
import { tmpDir } from '../helpers/create'
import { cli, STACK } from '../helpers/cli'

function sample (): ReturnType<typeof makeReplayFile> {
  const scenario = generateScenario({ seed: 9, peers: 3, cores: 2, steps: 12 })
  return makeReplayFile({ scenario, store: 'project', invariant: 'session-count', violations: 2, traceHash: 'ab'.repeat(32), note: 'test' })
}

test('replay file: round trip; steps one per line; package and format recorded', async (t) => {
  const dir = await tmpDir(t)
  const file = path.join(dir, 'nested', 'r.json')
  const replay = sample()
  writeReplayFile(file, replay)
  const text = fs.readFileSync(file, 'utf8')
  t.alike(readReplayFile(file), replay)
  t.alike(replayScenario(readReplayFile(file)), generateScenario({ seed: 9, peers: 3, cores: 2, steps: 12 }))
  t.is(replay.format, REPLAY_FORMAT)
  t.is(replay.package.name, 'corestore-ts')
  t.is(replay.package.version, packageInfo().version)
  t.is(replay.workload, null, 'no workload')
  const stepLines = text.split('\n').filter((l) => /^ {4}\{"kind"/.test(l))
  t.ok(replay.steps.length > 12 && replay.steps.some((s) => s.kind === 'api'), 'api steps are saved like any other')
  t.is(stepLines.length, replay.steps.length, 'one line per step (12 base steps and the api steps of the drawn features)')
  t.is(formatReplayFile(replay), text)
})

test('replay file: truncated, not JSON, other format, invalid steps: each refused with its own code', (t) => {
  const text = formatReplayFile(sample())
  const refuse = (body: string, code: string, message: RegExp): void => {
    try {
      parseReplayFile(body, 'r.json')
      t.fail(`${code}: accepted`)
    } catch (err) {
      t.ok(err instanceof ReplayFileError, `${code}: a ReplayFileError`)
      t.is((err as ReplayFileError).code, code)
      t.ok(message.test((err as Error).message), (err as Error).message)
      t.absent((err as Error).message.includes('\n'), 'one line')
    }
  }
  refuse(text.slice(0, text.length / 2), 'REPLAY_TRUNCATED', /^r\.json: the replay file is truncated/)
  refuse('', 'REPLAY_TRUNCATED', /truncated/)
  refuse('hello', 'REPLAY_NOT_JSON', /not a replay file \(not JSON/)
  refuse('{"a": 1}', 'REPLAY_INVALID', /no "kind"/)
  refuse(text.replace('"format": 2', '"format": 3'), 'REPLAY_FORMAT', /replay format 3, this corestore-sim reads formats 1 and 2/)
  refuse(text.replace('"peers": 3', '"peers": 1'), 'REPLAY_INVALID', /step \d+: .*no peer/)
  t.exception(() => readReplayFile('/nonexistent/r.json'), /cannot read the replay file/)
})

test('cli replay: bad files and stores are one line, exit 2, no stack trace', { timeout: 60_000 }, async (t) => {
  const dir = await tmpDir(t)
  const good = path.join(dir, 'good.json')
  writeReplayFile(good, sample())
  const text = fs.readFileSync(good, 'utf8')
  const truncated = path.join(dir, 'truncated.json')
  fs.writeFileSync(truncated, text.slice(0, 200))
  const v3 = path.join(dir, 'v3.json')
  fs.writeFileSync(v3, text.replace('"format": 2', '"format": 3'))
  const elsewhere = path.join(dir, 'elsewhere.json')
  fs.writeFileSync(elsewhere, text.replace('"store": "project"', '"store": "no-such-store-package"'))
  const workload = path.join(dir, 'workload.json')
  fs.writeFileSync(workload, text.replace('"workload": null', '"workload": "no-such-workload"'))
  const cases: Array<[string[], RegExp]> = [
    [['replay', truncated], /truncated\.json: the replay file is truncated/],
    [['replay', v3], /v3\.json: replay format 3, this corestore-sim reads formats 1 and 2/],
    [['replay', elsewhere], /--store no-such-store-package: the package no-such-store-package is not installed/],
    [['replay', good, '--store', 'no-such-store-package'], /the package no-such-store-package is not installed/],
    [['replay', workload], /--workload no-such-workload: no such workload \(built in: hyperbee/],
    [['replay', path.join(dir, 'missing.json')], /missing\.json: cannot read the replay file \(ENOENT\)/]
  ]
  for (const [args, message] of cases) {
    const r = await cli(args)
    t.is(r.code, 2, `${path.basename(args[1] as string)}: exit 2`)
    t.is(r.stderr.trim().split('\n').length, 1, 'one line')
    t.ok(message.test(r.stderr), r.stderr.trim())
    t.absent(STACK.test(r.stderr), 'no stack trace')
  }
  const usage = await cli(['replay'])
  t.is(usage.code, 2)
  t.ok(/^corestore-sim: replay needs a FILE\nusage: corestore-sim replay FILE/.test(usage.stderr), usage.stderr)
})
