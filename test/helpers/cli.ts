import { spawn } from 'child_process'
import path from 'path'

/** The compiled CLI entry (build/src/sim/cli/main.js). */
export const CLI = path.join(__dirname, '..', '..', 'src', 'sim', 'cli', 'main.js')

/** What a CLI run printed and how it ended. */
export interface Ran { code: number | null, stdout: string, stderr: string }

/** Runs `corestore-sim ARGS` in a child process. */
export function runCli (args: readonly string[], cwd?: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(cwd === undefined ? {} : { cwd }) })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** A line of a stack trace. */
export const STACK = /^\s+at /m
