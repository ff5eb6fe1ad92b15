import { createHash } from 'crypto'
import fs from 'fs'
import path from 'path'
import type { Scenario } from '../scenario/generator'
import { makeReplayFile, readReplayFile, replayScenario, ReplayFileError, writeReplayFile, type ReplayOptions } from '../shrink/replay-file'

/** A scenario kept because it reached something no earlier run of the campaign had. */
export interface CorpusEntry {
  /** Content id: the same scenario always gets the same id (its file name in a corpus folder). */
  id: string
  scenario: Scenario
  /** Features its run reached that were new when it ran. */
  fresh: number
  /** Every feature its run reached. */
  features: readonly number[]
  /** Trace hash of its run (recorded in its file). */
  traceHash: string
  /** Whether it is already in the corpus folder (loaded from it, or saved). */
  saved: boolean
}

/** What a corpus folder's files must match to be used in a campaign. */
export interface CorpusFit {
  peers: number
  cores: number
  /** Workload name or path of the campaign; null: none. */
  workload: string | null
}

/** Why a corpus could not be read. */
export class CorpusError extends Error {
  readonly code: 'CORPUS_NOT_A_FOLDER' | 'CORPUS_INVALID'

  constructor (code: CorpusError['code'], message: string) {
    super(message)
    this.name = 'CorpusError'
    this.code = code
  }
}

/**
 * The content id of a scenario: 16 hex digits of a SHA-256 over its fields in a fixed
 * order (a scenario read back from its file has its keys in another order).
 */
export function scenarioId (s: Scenario): string {
  const fields = [s.seed, s.peers, s.cores, s.readers, s.links, s.durationMs, s.faultProfile, s.disks ?? null, s.workload ?? null, s.featureProfile ?? null, s.steps]
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 16)
}

/**
 * The scenarios a guided campaign keeps, and the union of features their runs reached.
 * A run joins when it reached at least one feature not in the union (AFL's rule).
 */
export class Corpus {
  readonly entries: CorpusEntry[] = []
  private readonly seen = new Set<number>()
  private readonly ids = new Set<string>()

  /** Distinct features reached so far. */
  get features (): number {
    return this.seen.size
  }

  /** Whether any of `features` is not in the union yet. */
  hasNew (features: readonly number[]): boolean {
    return features.some((f) => !this.seen.has(f))
  }

  /**
   * Adds the run's features to the union; keeps the scenario when any was new (or when
   * `keep`: a scenario loaded from a corpus folder stays even if others reached the
   * same). Returns the number of new features.
   */
  consider (scenario: Scenario, features: readonly number[], traceHash: string, opts: { keep?: boolean, saved?: boolean } = {}): number {
    let fresh = 0
    for (const f of features) {
      if (this.seen.has(f)) continue
      this.seen.add(f)
      fresh++
    }
    const id = scenarioId(scenario)
    if ((fresh > 0 || opts.keep === true) && !this.ids.has(id)) {
      this.ids.add(id)
      this.entries.push({ id, scenario, fresh, features, traceHash, saved: opts.saved === true })
    }
    return fresh
  }

  /**
   * A small set of entries that together reach every feature the corpus reached (greedy
   * set cover, as afl-cmin: entries reaching more first, ties by id). Most entries were
   * new only until a later one reached the same and more.
   */
  cover (): CorpusEntry[] {
    const covered = new Set<number>()
    const out: CorpusEntry[] = []
    const order = [...this.entries].sort((a, b) => b.features.length - a.features.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    for (const e of order) {
      if (e.features.every((f) => covered.has(f))) continue
      for (const f of e.features) covered.add(f)
      out.push(e)
    }
    return out
  }

  /**
   * Writes the entries of the cover not yet in `dir` as replay files `<id>.json` (so
   * any of them replays with `corestore-sim replay`), so a lasting corpus grows by what
   * reached something new, not by every step on the way; files of other campaigns
   * (shards) in the folder stay, and equal scenarios share one name. Returns the files
   * written.
   */
  save (dir: string, run: { store: string, workload: string | null, options: ReplayOptions }): string[] {
    const written: string[] = []
    for (const e of this.cover()) {
      if (e.saved) continue
      const file = path.join(dir, `${e.id}.json`)
      writeReplayFile(file, makeReplayFile({
        scenario: e.scenario,
        store: run.store,
        workload: run.workload,
        options: run.options,
        invariant: null,
        violations: 0,
        traceHash: e.traceHash,
        note: `corestore-sim fuzz --guided: corpus entry (${e.fresh} new features when found)`
      }))
      e.saved = true
      written.push(file)
    }
    return written
  }
}

/**
 * Reads a corpus folder: every `*.json` file in it, each a replay file. Files of
 * another shape (peers, cores, workload) than the campaign's are skipped and counted;
 * a missing folder is an empty corpus. Throws a CorpusError when the path is not a
 * folder or a file is not a valid replay file, before the campaign starts.
 */
export function loadCorpus (dir: string, fit: CorpusFit): { scenarios: Scenario[], skipped: number } {
  let names: string[]
  try {
    if (!fs.statSync(dir).isDirectory()) throw new CorpusError('CORPUS_NOT_A_FOLDER', `--corpus ${dir}: not a folder`)
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return { scenarios: [], skipped: 0 }
    throw err
  }
  const scenarios: Scenario[] = []
  let skipped = 0
  for (const name of names) {
    let scenario: Scenario
    let workload: string | null
    try {
      const file = readReplayFile(path.join(dir, name))
      scenario = replayScenario(file)
      workload = file.workload
    } catch (err) {
      if (err instanceof ReplayFileError) throw new CorpusError('CORPUS_INVALID', `--corpus: ${err.message}`)
      throw err
    }
    if (scenario.peers !== fit.peers || scenario.cores.length !== fit.cores || workload !== fit.workload) skipped++
    else scenarios.push(scenario)
  }
  return { scenarios, skipped }
}
