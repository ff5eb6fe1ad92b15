import test from 'brittle'
import { findProperty } from '../properties'
import { formatReport, runProperty } from './runner'
import { replayLine } from './replay-line'
import { ciRuns, ciSeed, rerunHint } from './seeds'

/**
 * Registers the brittle test of one property: its fixed CI seed and run count (both
 * printed, with the PROPERTY_SEED / PROPERTY_RUNS values that rerun exactly them), what
 * its steps did, and on failure the shrunk scenario and the line that replays it.
 */
export function propertyTest (name: string): void {
  test(`property: ${name}`, async (t) => {
    const prop = findProperty(name)
    const seed = ciSeed(name)
    const numRuns = ciRuns(prop.ciRuns)
    t.timeout(10 * 60 * 1000)
    t.comment(`${name}: ${prop.summary}`)
    t.comment(`seed ${seed}, ${numRuns} runs (${rerunHint(name, seed, numRuns)})`)
    const report = await runProperty(prop, { seed, numRuns })
    for (const line of formatReport(report)) t.comment(line)
    t.ok(report.ok, report.ok ? `${name} held for ${numRuns} scenarios` : `${name}: ${report.error ?? ''} -- replay: ${replayLine(report)}`)
    if (report.ok) t.is(report.runsDone, numRuns, 'every scenario ran')
  })
}
