import { spawn } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import type { BenchCase } from './case'
import type { ChildOutput } from './child'
import type { Impl } from './store-impl'

const CHILD = path.join(__dirname, 'child.js')
/** The repository: children run there, so packages resolve from it whatever the caller's cwd. */
const ROOT = path.join(__dirname, '..', '..')

/**
 * Runs one case against one implementation in a fresh node process with a fresh
 * storage folder, removed afterwards whatever happens. Resolves with the child's
 * JSON line; rejects if it fails, prints no result or outlives the case's timeout.
 */
export async function runChild (bench: BenchCase, impl: Impl): Promise<ChildOutput> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `corestore-bench-${bench.id}-${impl}-`))
  try {
    const stdout = await spawnNode([...(bench.nodeArgs ?? []), CHILD, bench.id, impl, dir], bench.timeoutMs)
    const line = stdout.split('\n').reverse().find((l) => l.startsWith('{'))
    if (line === undefined) throw new Error(`${bench.id}/${impl}: the child printed no result`)
    return JSON.parse(line) as ChildOutput
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

function spawnNode (args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(stdout)
      else reject(new Error(`child ${args.join(' ')} exited with ${signal ?? code}\n${stderr.trim()}`))
    })
  })
}
