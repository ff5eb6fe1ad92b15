import test from 'brittle'
import { findProperty } from './properties'
import { findMutant } from './mutants'
import { loadRegressions, type Regression } from './harness/regressions'
import { formatReport, runProperty, type RunReport } from './harness/runner'
import { replayLine } from './harness/replay-line'

async function replay (r: Regression, mutant: string | null): Promise<RunReport> {
  const opts = r.value !== undefined ? { value: r.value } : { path: r.path, replayPath: r.replayPath ?? null }
  try {
    return await runProperty(findProperty(r.property), { seed: r.seed, numRuns: 1, mutant, ...opts })
  } catch (err) {
    // A path that no longer replays (the generator changed): a failure to read, not a crash of the suite.
    throw new Error(`${r.property} seed ${r.seed} path ${r.path}: cannot replay (${err instanceof Error ? err.message : String(err)}); pin it again, or as a value`)
  }
}

// Every pinned scenario replays on every `npm test`: it must hold on the real store.
test('regressions: every pinned scenario in regressions.json holds', async (t) => {
  t.timeout(5 * 60 * 1000)
  const all = loadRegressions()
  t.comment(`${all.length} pinned scenario(s)`)
  for (const r of all) {
    const report = await replay(r, null)
    t.comment(`${r.property} seed ${r.seed} path ${r.path}: ${report.ok ? 'ok' : 'FAILED'} (${r.note})`)
    if (!report.ok) for (const line of formatReport(report)) t.comment(line)
    t.ok(report.ok, `${r.property} seed ${r.seed}: ${report.ok ? 'holds' : `${report.error ?? ''} -- replay: ${replayLine(report)}`}`)
  }
  t.ok(all.length > 0, 'regressions.json pins at least one scenario')
})

// A sentinel is only worth replaying if it still catches its planted bug.
test('regressions: every sentinel still kills its planted bug', async (t) => {
  t.timeout(5 * 60 * 1000)
  const sentinels = loadRegressions().filter((r) => r.kills !== undefined)
  for (const r of sentinels) {
    const mutant = findMutant(r.kills as string)
    const restore = mutant.apply()
    let report: RunReport
    try {
      report = await replay(r, mutant.name)
    } finally {
      restore()
    }
    t.absent(report.ok, `${r.property} seed ${r.seed} path ${r.path} fails with ${mutant.name} on: ${report.error ?? 'it held'}`)
  }
  t.ok(sentinels.length > 0, 'regressions.json has sentinels')
})
