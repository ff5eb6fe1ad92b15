// The CLI's contract for mistakes: a usage error is one line plus the usage, exit 2,
// never a stack trace; help is not an error; a store that is not installed says how
// to install it. Each case runs the built CLI in a child process.
import test from 'brittle'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { cli, OLD_ENTRY, STACK } from '../helpers/cli'

const USAGE_ERRORS: Array<[string[], RegExp]> = [
  [['run', '--peers', '0'], /^corestore-sim: --peers must be an integer in \[2, 4096\], got 0$/],
  [['run', '--peers', '4097'], /^corestore-sim: --peers must be an integer in \[2, 4096\], got 4097$/],
  [['run', '--cores', '-1'], /^corestore-sim: --cores needs a value/],
  [['run', '--cores=-1'], /^corestore-sim: --cores must be an integer/],
  [['run', '--steps', 'many'], /^corestore-sim: --steps must be an integer/],
  [['run', '--seed', '4294967296'], /^corestore-sim: --seed must be an integer in \[0, 4294967295\]/],
  [['run', '--duration', '5 parsecs'], /^corestore-sim: bad duration "5 parsecs"/],
  [['run', '--duration'], /^corestore-sim: --duration needs a value$/],
  [['run', '--faults', 'meteor'], /^corestore-sim: unknown fault kind meteor/],
  [['run', '--frobnicate'], /^corestore-sim: unknown option --frobnicate$/],
  [['run', 'extra'], /^corestore-sim: unexpected argument extra$/]
]

test('cli: every usage error is one line, then the usage; exit 2; no stack trace', { timeout: 60_000 }, async (t) => {
  for (const [args, message] of USAGE_ERRORS) {
    const r = await cli(args)
    const [first, second] = r.stderr.split('\n')
    t.is(r.code, 2, `${args.join(' ')}: exit 2`)
    t.ok(message.test(first ?? ''), `${args.join(' ')}: ${first ?? ''}`)
    t.ok(/^usage: corestore-sim run/.test(second ?? ''), `${args.join(' ')}: usage follows`)
    t.absent(STACK.test(r.stderr), `${args.join(' ')}: no stack trace`)
    t.is(r.stdout, '', `${args.join(' ')}: nothing on stdout`)
  }
})

test('cli: the entry the first release documented (dist/sim/cli.js) is the same CLI', { timeout: 30_000 }, async (t) => {
  const r = await cli(['run', '--peers', '0'], { entry: OLD_ENTRY })
  t.is(r.code, 2, 'exit 2')
  t.is(r.stderr.split('\n')[0], 'corestore-sim: --peers must be an integer in [2, 4096], got 0')
  t.absent(STACK.test(r.stderr), 'no stack trace')
})

test('cli: help is not an error', { timeout: 30_000 }, async (t) => {
  for (const args of [['run', '--help'], ['run', '-h'], ['help'], ['--help']]) {
    const r = await cli(args)
    t.is(r.code, 0, `${args.join(' ')}: exit 0`)
    t.ok(/usage:/.test(r.stdout), `${args.join(' ')}: usage on stdout`)
  }
  const run = await cli(['run', '--help'])
  t.ok(/--peers N/.test(run.stdout), 'run --help lists the run options')
})

test('cli: an unknown or missing command says so, with the commands', { timeout: 30_000 }, async (t) => {
  const unknown = await cli(['rnu'])
  t.is(unknown.code, 2)
  t.ok(/^corestore-sim: unknown command "rnu" \(commands: run/.test(unknown.stderr), unknown.stderr)
  t.ok(/corestore-sim run /.test(unknown.stderr), 'lists the commands')
  const none = await cli([])
  t.is(none.code, 2)
  t.ok(/^corestore-sim: no command given/.test(none.stderr), none.stderr)
  t.absent(STACK.test(unknown.stderr + none.stderr))
})

test('cli: --store upstream where corestore is not installed says how to install it', { timeout: 30_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corestore-sim-cli-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const r = await cli(['run', '--store', 'upstream', '--no-progress'], { cwd: dir })
  t.is(r.code, 2)
  const lines = r.stderr.trim().split('\n')
  t.is(lines.length, 1, 'one line')
  t.ok(/the package corestore is not installed/.test(r.stderr), r.stderr)
  t.ok(/npm install --save-dev corestore@7/.test(r.stderr), 'says how to install it')
  t.absent(STACK.test(r.stderr))
  const other = await cli(['run', '--store', 'no-such-store-package', '--no-progress'], { cwd: dir })
  t.is(other.code, 2)
  t.ok(/the package no-such-store-package is not installed/.test(other.stderr), other.stderr)
})
