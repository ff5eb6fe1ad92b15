import test from 'brittle'
import type * as Registry from '../properties'
import { STORE_PROPERTIES } from '../properties/store-index'
import type { Property } from './property'
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
    const prop = lookup(name)
    const seed = ciSeed(name)
    const numRuns = ciRuns(prop.ciRuns)
    t.timeout(10 * 60 * 1000)
    t.comment(`${name}: ${prop.summary}`)
    t.comment(`seed ${seed}, ${numRuns} runs (${rerunHint(name, seed, numRuns)})`)
    const report = await runProperty(prop, { seed, numRuns })
    for (const line of formatReport(report)) t.comment(line)
    for (const line of prop.tally()) t.comment(`tolerated: ${line}`)
    t.ok(report.ok, report.ok ? `${name} held for ${numRuns} scenarios` : `${name}: ${report.error ?? ''} -- replay: ${replayLine(report)}`)
    if (report.ok) t.is(report.runsDone, numRuns, 'every scenario ran')
  })
}

function lookup (name: string): Property {
  const prop = STORE_PROPERTIES.find((p) => p.name === name)
  if (prop !== undefined) return prop
  // The full registry loads the simulator (Node only): only a simulator property needs it.
  return (require('../properties') as typeof Registry).findProperty(name)
}
