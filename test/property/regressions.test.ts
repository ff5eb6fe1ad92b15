import test from 'brittle'
import { spawn } from 'child_process'
import path from 'path'
import { loadRegressions } from './harness/regressions'
import { replayRegression } from './harness/regression-replay'
import { formatReport } from './harness/runner'
import { replayLine } from './harness/replay-line'

/** Replays sentinel `index` with its bug on, in a child process (see sentinel-child.ts). */
function replaySentinel (index: number): Promise<{ ok: boolean | null, error: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'harness', 'sentinel-child.js'), String(index)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.on('error', reject)
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as { ok: boolean | null, error: string | null })
      } catch {
        reject(new Error(`sentinel ${index}: the child exited with ${String(code)} and no result`))
      }
    })
  })
}

// Every pinned scenario replays on every `npm test`: it must hold on the real store.
test('regressions: every pinned scenario in regressions.json holds', async (t) => {
  t.timeout(5 * 60 * 1000)
  const all = loadRegressions()
  t.comment(`${all.length} pinned scenario(s)`)
  for (const r of all) {
    const report = await replayRegression(r, null)
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
  for (const [i, r] of sentinels.entries()) {
    const { ok, error } = await replaySentinel(i)
    t.is(ok, false, `${r.property} seed ${r.seed} path ${r.path} fails with ${r.kills ?? '?'} on: ${error ?? 'it held'}`)
  }
  t.ok(sentinels.length > 0, 'regressions.json has sentinels')
})
