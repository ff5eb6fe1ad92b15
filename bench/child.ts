import fs from 'fs'
import os from 'os'
import path from 'path'
import { findCase } from './cases'
import { loadStore, parseImpl } from './store-impl'
import type { CaseResult } from './case'

/** The one JSON line a child prints on stdout. */
export type ChildOutput = { case: string, impl: string } & CaseResult

/**
 * Child-process entry: runs one case against one store implementation and prints
 * one JSON line. Usage: node build/bench/child.js <case> <ours|upstream> [dir]
 * Without a dir it makes and removes its own temporary folder.
 */
async function main (argv: string[]): Promise<void> {
  const [caseId, implName, given] = argv
  const bench = findCase(caseId)
  const impl = parseImpl(implName)
  const dir = given ?? fs.mkdtempSync(path.join(os.tmpdir(), `corestore-bench-${bench.id}-`))
  try {
    const result = await bench.run({ impl, dir, createStore: loadStore(impl) })
    const output: ChildOutput = { case: bench.id, impl, ...result }
    process.stdout.write(JSON.stringify(output) + '\n')
  } finally {
    if (given === undefined) fs.rmSync(dir, { recursive: true, force: true })
  }
}

main(process.argv.slice(2)).then(() => {
  // A lingering handle (an unref'd timer from the store under test) must not keep the child up.
  process.exit(0)
}, (err: unknown) => {
  console.error(err)
  process.exit(1)
})
