import test from 'brittle'
import { findProperty } from './properties'
import { loadRegressions } from './harness/regressions'
import { formatReport, runProperty } from './harness/runner'
import { replayLine } from './harness/replay-line'

// Every pinned scenario replays on every `npm test`: it must hold on the real store.
test('regressions: every pinned scenario in regressions.json holds', async (t) => {
  t.timeout(5 * 60 * 1000)
  const all = loadRegressions()
  t.comment(`${all.length} pinned scenario(s)`)
  for (const r of all) {
    const report = await runProperty(findProperty(r.property), { seed: r.seed, numRuns: 1, path: r.path, replayPath: r.replayPath ?? null })
    t.comment(`${r.property} seed ${r.seed} path ${r.path}: ${report.ok ? 'ok' : 'FAILED'} (${r.note})`)
    if (!report.ok) for (const line of formatReport(report)) t.comment(line)
    t.ok(report.ok, `${r.property} seed ${r.seed}: ${report.ok ? 'holds' : `${report.error ?? ''} -- replay: ${replayLine(report)}`}`)
  }
  t.ok(all.length > 0, 'regressions.json pins at least one scenario')
})
