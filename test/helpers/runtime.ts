import process from 'process'
import type { T } from './assert'

// The store's tests run on Node (brittle) and on Bare (brittle-bare, `npm run test:bare`).
// `process` is imported, not global: Bare has no global `process`, and the package's
// import map gives it bare-process there.

/** True under the Bare runtime (Pear), false under Node. */
export const isBare: boolean = typeof (globalThis as { Bare?: unknown }).Bare === 'object'

/** The runtime's name, for messages. */
export const runtimeName: string = isBare ? 'bare' : 'node'

/** The executable of the runtime running this file (node or bare), for child processes. */
export const execPath: string = process.execPath

/** The current platform, as the store reads it (`Bare.platform` there). */
export const platform: string = process.platform

const skippedTests = new Map<string, number>()
const skippedChecks = new Map<string, number>()
// Printed on exit, after brittle's own summary: the skips are part of the result.
if (isBare) process.once('exit', printSummary)

/**
 * Brittle options for a test that needs something only Node has: skipped on Bare, with
 * `reason` counted and printed in the closing summary ("# skipped on bare: ..."). A skip
 * needs a reason: say what is missing on Bare, not that the test fails there.
 */
export function nodeOnly (reason: string): { skip: boolean } {
  if (isBare) count(skippedTests, reason)
  return { skip: isBare }
}

/**
 * Runs `check` (some assertions of a test that otherwise runs everywhere) on Node only;
 * on Bare it records the skipped check with its reason, printed in the summary too.
 */
export function onNodeOnly (t: T, reason: string, check: () => void): void {
  if (!isBare) return check()
  count(skippedChecks, reason)
  t.comment(`skipped on bare: ${reason}`)
}

function count (map: Map<string, number>, reason: string): void {
  map.set(reason, (map.get(reason) ?? 0) + 1)
}

function printSummary (): void {
  const tests = total(skippedTests)
  const checks = total(skippedChecks)
  console.log(`# skipped on ${runtimeName}: ${tests} tests, ${checks} checks`)
  for (const [reason, n] of skippedTests) console.log(`#   test x${n}: ${reason}`)
  for (const [reason, n] of skippedChecks) console.log(`#   check x${n}: ${reason}`)
}

function total (map: Map<string, number>): number {
  let n = 0
  for (const v of map.values()) n += v
  return n
}
