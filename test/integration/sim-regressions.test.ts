// Committed replay files (test/sim-regressions) are regression tests: each must pass on
// the real store (replayTests, the helper users call from their own brittle files). Those
// named after a planted bug (written by `npm run mutants:sim -- --pin`) are sentinels: with
// that bug switched on they must still fail with the invariant they recorded, which proves
// the replay is exact enough to matter. Others are failures found by fuzzing, committed
// once fixed. (Trace hashes are not pinned: they change whenever trace lines do.)
import test from 'brittle'
import path from 'path'
import { replayFiles, replayTests, runReplay } from '../../src/sim'
import { MUTANTS } from '../property/mutants'
import { MUTANT_ENV } from '../property/mutants/preload'
import { PRELOAD } from '../helpers/cli'

const DIR = path.join(__dirname, '..', '..', '..', 'test', 'sim-regressions')

const files = replayTests(test, DIR)

const sentinels = replayFiles(DIR).filter((file) => MUTANTS.some((m) => m.name === path.basename(file, '.json')))

test('sim regressions: a sentinel for each planted bug the simulator finds', (t) => {
  t.ok(sentinels.length >= 5, `${sentinels.length} sentinels among ${files} replay files`)
})

for (const file of sentinels) {
  const mutant = path.basename(file, '.json')
  test(`sentinel ${mutant}: with the bug on, the replay still fails the way it was recorded`, { timeout: 120_000 }, async (t) => {
    const { replay, result } = await runReplay(file, { execArgv: ['--require', PRELOAD], env: { ...process.env, [MUTANT_ENV]: mutant } })
    t.ok(replay.recorded.invariant !== null, `recorded ${replay.recorded.invariant ?? 'nothing'}`)
    t.ok(result.violations.some((v) => v.invariant === replay.recorded.invariant), `fails with ${replay.recorded.invariant ?? '?'} again`)
  })
}
