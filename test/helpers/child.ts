import { spawn, type ChildProcess } from 'child_process'
import path from 'path'
import { execPath } from './runtime'

// Child processes for tests that need a second process: they run one of the scripts in
// test/helpers/children, compiled next to this file, under Node or Bare.

/** What a finished child printed and how it exited. */
export interface ChildResult {
  status: number | null
  stdout: string
  stderr: string
}

/** The compiled path of the child script `name` (a file of test/helpers/children). */
export function childScript (name: string): string {
  return path.join(__dirname, 'children', `${name}.js`)
}

/**
 * Runs `script` with `args` under the runtime `exe` (the current one by default) in
 * `cwd` (this process's by default), and resolves once it exited and its output ended.
 * A child still running after `timeoutMs` is killed (status null), so a hang fails the
 * test instead of stalling it.
 */
export function runChild (script: string, args: string[], opts: { exe?: string, timeoutMs?: number, cwd?: string } = {}): Promise<ChildResult> {
  const child = spawn(opts.exe ?? execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.cwd })
  const timer = setTimeout(() => child.kill(), opts.timeoutMs ?? 30_000)
  const out = collect(child, 'stdout')
  const err = collect(child, 'stderr')
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code: number | null) => resolve(code)))
  return Promise.all([exit, out, err]).then(([status, stdout, stderr]) => {
    clearTimeout(timer)
    return { status, stdout, stderr }
  })
}

/**
 * Starts `script` under the runtime `exe` (the current one by default) with stdin and
 * stdout piped; the caller ends it.
 */
export function startChild (script: string, args: string[], opts: { exe?: string } = {}): ChildProcess {
  return spawn(opts.exe ?? execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
}

/** The first line `child` prints; rejects if it exits first. */
export function firstLine (child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    child.stdout?.on('data', (d: Buffer) => {
      text += d.toString()
      const nl = text.indexOf('\n')
      if (nl !== -1) resolve(text.slice(0, nl))
    })
    child.once('exit', (code: number | null) => reject(new Error(`child exited (${String(code)}) before printing a line`)))
  })
}

function collect (child: ChildProcess, name: 'stdout' | 'stderr'): Promise<string> {
  const stream = child[name]
  if (stream === null) return Promise.resolve('')
  const chunks: Buffer[] = []
  stream.on('data', (d: Buffer) => chunks.push(d))
  return new Promise((resolve) => stream.once('end', () => resolve(Buffer.concat(chunks).toString())))
}

/**
 * The Bare executable `npm ci` installed (the bare-runtime-linux-x64 devDependency), for
 * Node tests that start a Bare child. Loaded on call: Bare children never need it.
 */
export function bareExecutable (): string {
  // The package ships no typings: it exports the binary's path as `bare`.
  return (require('bare-runtime-linux-x64') as { bare: string }).bare
}
