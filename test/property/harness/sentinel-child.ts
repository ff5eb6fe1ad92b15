// node build/test/property/harness/sentinel-child.js INDEX
// Replays sentinel INDEX of regressions.json (counting only entries with `kills`) with
// its planted bug on, in a process of its own: a bug patched into shared modules, or
// the state one replay leaves in hypercore's module-level caches, must not decide
// whether the next sentinel fails. Prints one JSON line: { ok, error }.
import { loadRegressions } from './regressions'
import { replayRegression } from './regression-replay'

async function main (): Promise<void> {
  const index = Number(process.argv[2])
  const r = loadRegressions().filter((e) => e.kills !== undefined)[index]
  if (r === undefined) throw new Error(`no sentinel number ${String(process.argv[2])}`)
  const report = await replayRegression(r, r.kills as string)
  process.stdout.write(`${JSON.stringify({ ok: report.ok, error: report.error ?? null })}\n`)
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stdout.write(`${JSON.stringify({ ok: null, error: err instanceof Error ? err.message : String(err) })}\n`)
  process.exit(1)
})
