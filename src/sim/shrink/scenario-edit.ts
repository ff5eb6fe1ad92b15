import type { Scenario } from '../scenario/generator'
import type { Step } from '../scenario/steps'
import { renumberStep, type Renumber } from '../scenario/step-fields'

/** Maps kept indexes to 0..n-1 in order; removed ones to null. */
function renumbering (count: number, keep: (i: number) => boolean): { map: Renumber, kept: number } {
  const to = new Array<number | null>(count).fill(null)
  let next = 0
  for (let i = 0; i < count; i++) if (keep(i)) to[i] = next++
  return { map: (i) => to[i] ?? null, kept: next }
}

/**
 * The scenario restricted to some peers and cores, renumbered: a core whose owner is
 * removed goes too; steps, links and readers naming a removed peer or core go (a
 * partition keeps its remaining peers). Null when no peer would be left.
 *
 * With `stepEndsMs` (the virtual time each step of `s` finished at, from a run), each
 * stretch of removed steps becomes one `advance` as long as they took, so the steps
 * that stay run at the same virtual times: GC and timeouts line up as before.
 */
export function restrictScenario (s: Scenario, keepPeer: (peer: number) => boolean, keepCore: (core: number) => boolean, stepEndsMs?: readonly number[]): Scenario | null {
  const peers = renumbering(s.peers, keepPeer)
  if (peers.kept === 0) return null
  const cores = renumbering(s.cores.length, (c) => keepCore(c) && peers.map((s.cores[c] as Scenario['cores'][number]).owner) !== null)
  const keptCores: Scenario['cores'] = []
  const readers: number[][] = []
  s.cores.forEach((spec, c) => {
    if (cores.map(c) === null) return
    keptCores.push({ name: spec.name, owner: peers.map(spec.owner) as number })
    readers.push((s.readers[c] ?? []).map(peers.map).filter((p): p is number => p !== null))
  })
  const links: Array<[number, number]> = []
  for (const [a, b] of s.links) {
    const x = peers.map(a)
    const y = peers.map(b)
    if (x !== null && y !== null) links.push([x, y])
  }
  const steps: Step[] = []
  let gapFrom: number | null = null
  s.steps.forEach((step, i) => {
    const kept = renumberStep(step, peers.map, cores.map)
    if (kept === null) {
      gapFrom ??= i
      return
    }
    if (gapFrom !== null && stepEndsMs !== undefined && i - 1 < stepEndsMs.length) {
      const ms = (stepEndsMs[i - 1] as number) - (gapFrom === 0 ? 0 : stepEndsMs[gapFrom - 1] as number)
      if (ms > 0) steps.push({ kind: 'advance', ms })
    }
    gapFrom = null
    steps.push(kept)
  })
  const out: Scenario = { ...s, peers: peers.kept, cores: keptCores, readers, links, steps }
  // Each kept peer keeps its own disk.
  if (s.disks !== undefined) out.disks = s.disks.filter((_, i) => peers.map(i) !== null)
  return out
}

/** The scenario without peer `p` (and the cores it owns), renumbered; null if it is the last peer. */
export function withoutPeer (s: Scenario, p: number): Scenario | null {
  return restrictScenario(s, (i) => i !== p, () => true)
}

/** The scenario without core `c`, renumbered. */
export function withoutCore (s: Scenario, c: number): Scenario {
  return restrictScenario(s, () => true, (i) => i !== c) as Scenario
}

/** Size of a scenario, as shrinking reports it. */
export interface ScenarioSize {
  steps: number
  peers: number
  cores: number
  links: number
}

/** Steps, peers, cores and links of a scenario. */
export function scenarioSize (s: Scenario): ScenarioSize {
  return { steps: s.steps.length, peers: s.peers, cores: s.cores.length, links: s.links.length }
}
