// Runs the compiled `corestore-sim` in a child process, as a user would (every test of
// the CLI: sim-cli, sim-replay, sim-fuzz, sim-regressions, sim-determinism,
// sim-workloads, report).
import { spawn, type ChildProcess } from 'child_process'
import path from 'path'
import { MUTANT_ENV } from '../property/mutants/preload'

/** The CLI entry compiled next to the tests (build/src/sim/cli/main.js: the modules the planted bugs patch). */
export const CLI = path.join(__dirname, '..', '..', 'src', 'sim', 'cli', 'main.js')

/** The entry the first release documented (`dist/sim/cli.js`), compiled next to the tests. */
export const OLD_ENTRY = path.join(__dirname, '..', '..', 'src', 'sim', 'cli.js')

/** The preload module that switches a planted bug on (see test/property/mutants/preload.ts). */
export const PRELOAD = path.join(__dirname, '..', 'property', 'mutants', 'preload.js')

/** A line of a stack trace. */
export const STACK = /^\s+at /m

/** What a CLI run printed and how it ended. */
export interface Ran { code: number | null, stdout: string, stderr: string }

/** How to run the CLI. */
export interface CliOptions {
  cwd?: string
  /** Planted bug to switch on in the CLI and every simulation process it forks. */
  mutant?: string
  /** Shell prefix, e.g. `ulimit -n 1000;` (runs through bash). */
  shell?: string
  /** Entry script. Default: CLI. */
  entry?: string
}

/** Runs `corestore-sim ARGS` and collects its output. */
export function cli (args: readonly string[], opts: CliOptions = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const node = [...(opts.mutant === undefined ? [] : ['--require', PRELOAD]), opts.entry ?? CLI, ...args]
    const env = opts.mutant === undefined ? process.env : { ...process.env, [MUTANT_ENV]: opts.mutant }
    const child = opts.shell === undefined
      ? spawn(process.execPath, node, { stdio: ['ignore', 'pipe', 'pipe'], env, ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }) })
      : spawn('bash', ['-c', `${opts.shell} exec "$0" "$@"`, process.execPath, ...node], { stdio: ['ignore', 'pipe', 'pipe'], env })
    collect(child).then(resolve, reject)
  })
}

/** The exit code and whole output of a child process started with piped stdout and stderr. */
export function collect (child: ChildProcess): Promise<Ran> {
  return new Promise((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** The last line of stdout, parsed (the `--json` line). */
export function lastJson<T> (r: Ran): T {
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null') as T
}
