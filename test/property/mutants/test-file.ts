import { spawn } from 'child_process'
import path from 'path'
import { MUTANT_ENV } from './preload'

/** build/test, where the test files of `killers.tests` live. */
const BUILD_TEST = path.resolve(__dirname, '../..')

/** What a test file did with a planted bug switched on. */
export interface TestFileRun {
  failed: boolean
  /** Its `not ok` lines: what caught the bug. */
  notOk: string[]
}

/**
 * Runs one compiled test file (a path under build/test) in a fresh process with the
 * planted bug `mutant` switched on before anything loads (preload.js).
 */
export function runTestFile (mutant: string, file: string): Promise<TestFileRun> {
  return new Promise((resolve, reject) => {
    const args = ['--require', path.join(__dirname, 'preload.js'), path.join(BUILD_TEST, file)]
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, [MUTANT_ENV]: mutant } })
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => { out += chunk })
    child.stderr.resume()
    child.on('error', reject)
    child.on('close', (code, signal) => {
      const notOk = out.split('\n').filter((line) => /^\s*not ok /.test(line)).map((line) => line.trim())
      resolve({ failed: code !== 0 || signal !== null, notOk })
    })
  })
}
