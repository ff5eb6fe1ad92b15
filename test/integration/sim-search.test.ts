// Guided search (src/sim/search, `corestore-sim fuzz --guided`): the corpus folder
// round-trips, mutants are a function of their seed and valid on their topology, the
// novelty signal is read off the run and is the same for the same run, and a guided
// campaign finds a planted bug through a mutant, saved as a replay file that fails
// with the bug and passes without it.
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { checkStep, Corpus, CorpusError, featureHash, generateScenario, GuidedSearch, loadCorpus, mutateScenario, Prng, RunSignal, runScenario, scenarioId, type Candidate, type Scenario } from '../../src/sim'
import { tmpDir } from '../helpers/create'
import { cli, lastJson, STACK } from '../helpers/cli'

const SHAPE = { peers: 3, cores: 2, steps: 40, durationMs: 30_000 }
const SMALL = ['--peers', '3', '--cores', '2', '--steps', '40', '--duration', '30s']
const RUN = { store: 'project', workload: null, options: {} }

test('search: a corpus folder round-trips; other shapes are skipped; a broken file is refused', async (t) => {
  const dir = await tmpDir(t)
  const corpus = new Corpus()
  const scenarios = [1, 2, 3].map((seed) => generateScenario({ ...SHAPE, seed }))
  scenarios.forEach((s, i) => corpus.consider(s, [i, 100 + i], `hash-${i}`))
  t.is(corpus.consider(scenarios[0] as Scenario, [0, 1], 'again'), 0, 'nothing new: not kept twice')
  // New when it ran, but a later scenario reaches all it reached: left out of the folder.
  const covered = generateScenario({ ...SHAPE, seed: 4 })
  corpus.consider(covered, [7], 'h7')
  corpus.consider(generateScenario({ ...SHAPE, seed: 5 }), [7, 8, 9, 10], 'h8')
  t.is(corpus.entries.length, 5)
  t.is(corpus.features, 10)
  t.is(corpus.cover().length, 4, 'the cover leaves out the scenario another covers')
  const written = corpus.save(dir, RUN)
  t.is(written.length, 4, 'one file per scenario of the cover')
  fs.rmSync(path.join(dir, `${scenarioId(generateScenario({ ...SHAPE, seed: 5 }))}.json`))
  t.alike(corpus.save(dir, RUN), [], 'saved entries are not written again')
  t.alike(fs.readdirSync(dir).sort(), scenarios.map((s) => `${scenarioId(s)}.json`).sort(), 'named by content')
  const back = loadCorpus(dir, { peers: 3, cores: 2, workload: null })
  t.is(back.skipped, 0)
  t.alike(back.scenarios.map(scenarioId).sort(), scenarios.map(scenarioId).sort(), 'the same scenarios come back')
  t.alike(back.scenarios.find((s) => s.seed === 2), scenarios[1], 'field for field')
  const other = new Corpus()
  other.consider(generateScenario({ ...SHAPE, peers: 4, seed: 9 }), [1], 'h')
  other.save(dir, RUN)
  t.is(loadCorpus(dir, { peers: 3, cores: 2, workload: null }).skipped, 1, 'a 4-peer scenario is skipped in a 3-peer campaign')
  t.is(loadCorpus(dir, { peers: 3, cores: 2, workload: 'hyperbee' }).scenarios.length, 0, 'another workload: all skipped')
  t.alike(loadCorpus(path.join(dir, 'none'), { peers: 3, cores: 2, workload: null }), { scenarios: [], skipped: 0 }, 'a missing folder is an empty corpus')
  fs.writeFileSync(path.join(dir, 'broken.json'), '{"kind": "corestore-sim-replay", "format": 2')
  try {
    loadCorpus(dir, { peers: 3, cores: 2, workload: null })
    t.fail('a broken file was read')
  } catch (err) {
    t.ok(err instanceof CorpusError && err.code === 'CORPUS_INVALID' && /broken\.json/.test(err.message), String(err))
  }
})

test('search: a mutant is a function of its seed, valid and fitted to its topology', (t) => {
  const parent = generateScenario({ ...SHAPE, seed: 5 })
  const donor = generateScenario({ ...SHAPE, seed: 6 })
  const ids = new Set<string>()
  for (let seed = 1; seed <= 40; seed++) {
    const a = mutateScenario(parent, donor, new Prng(seed))
    const b = mutateScenario(parent, donor, new Prng(seed))
    if (JSON.stringify(a) !== JSON.stringify(b)) t.fail(`seed ${seed}: two mutants`)
    ids.add(scenarioId(a.scenario))
    for (const step of a.scenario.steps) {
      checkStep(step, parent.peers, parent.cores.length)
      if (step.kind === 'append' && step.peer !== parent.cores[step.core]?.owner) t.fail(`seed ${seed}: an append by p${step.peer}, not c${step.core}'s owner`)
    }
    t.alike(a.scenario.cores, parent.cores, 'same topology')
  }
  t.ok(ids.size >= 35, `40 seeds, ${ids.size} different mutants`)
  t.absent(ids.has(scenarioId(parent)) && ids.size === 1, 'mutants differ from the parent')
})

test('search: a guided search draws the same candidates from the same seed and results', (t) => {
  const draw = (seed: number): string[] => {
    const search = new GuidedSearch({ seed, seeds: [1, 2, 3, 4, 5, 6, 7, 8][Symbol.iterator](), generate: (s) => generateScenario({ ...SHAPE, seed: s }), warmup: 2 })
    const out: string[] = []
    for (let i = 0; i < 12; i++) {
      const c = search.next() as Candidate
      out.push(c.origin === 'seed' ? `seed ${c.seed}` : `${c.origin} ${scenarioId(c.scenario)}`)
      search.done(c, [i % 5, 10 + i], `h${i}`)
    }
    return out
  }
  const first = draw(1)
  t.alike(draw(1), first, 'same seed, same candidates')
  t.ok(first.some((c) => c.startsWith('mutant')) && first.some((c) => c.startsWith('seed')), 'fresh seeds and mutants mixed')
  t.not(JSON.stringify(draw(2)), JSON.stringify(first), 'another seed, other mutants')
})

test('search: the signal is read off the run, the same for the same run', { timeout: 120_000 }, async (t) => {
  const run = async (seed: number): Promise<number[]> => {
    const signal = new RunSignal()
    await runScenario({ ...SHAPE, seed, store: 'project', trace: { observer: signal.observe } })
    return signal.features()
  }
  const a = await run(4)
  const scenario = generateScenario({ ...SHAPE, seed: 4 })
  t.ok(a.length > 20, `${a.length} features`)
  t.ok(a.includes(featureHash(`bigram|start|${scenario.steps[0]?.kind ?? '?'}#1`)), 'the first step\'s bigram is a feature')
  t.alike(await run(4), a, 'same run, same features')
  t.not(JSON.stringify(await run(11)), JSON.stringify(a), 'another seed reaches other features')
})

test('fuzz --guided: a mutant of a passing seed finds a planted bug; its replay fails with it and passes without', { timeout: 240_000 }, async (t) => {
  const out = await tmpDir(t)
  const corpus = path.join(out, 'corpus')
  const mutant = 'session-count-off-by-one'
  // Seed 3 passes with the bug on (checked below): only a mutant of it can fail.
  const plain = await cli(['fuzz', '--seeds', '3..3', ...SMALL, '--jobs', '1', '--no-progress', '--no-shrink', '--json', '--out', out], { mutant })
  t.is(plain.code, 0, 'seed 3 alone passes with the bug on')
  const r = await cli(['fuzz', '--guided', '--corpus', corpus, '--seeds', '3..3', '--time', '120s', ...SMALL, '--jobs', '1', '--no-progress', '--no-shrink', '--json', '--out', out], { mutant })
  t.is(r.code, 1, 'exit 1: a scenario failed')
  const json = lastJson<{ failures: Array<{ name: string, invariant: string, replayFile: string }>, guided: string }>(r)
  const f = json.failures[0]
  if (f === undefined) return t.fail('no failure')
  t.ok(/^mutant \d+ \(seed \d+\)$/.test(f.name), `found by ${f.name}`)
  t.ok(/^guided: 1 fresh seeds, \d+ mutants/.test(json.guided), json.guided)
  t.ok(fs.readdirSync(corpus).length >= 1, 'the corpus folder keeps the scenarios that reached something new')
  const buggy = await cli(['replay', f.replayFile], { mutant })
  t.is(buggy.code, 1, 'the replay file fails with the bug on')
  t.ok(buggy.stdout.includes(f.invariant), `and breaks ${f.invariant} again`)
  const real = await cli(['replay', f.replayFile])
  t.is(real.code, 0, `the mutant passes on the real store: no false alarm (${real.stdout.split('\n').pop() ?? ''})`)
})

test('fuzz --guided: usage errors are one line plus the usage, exit 2; a corpus that is a file is refused', async (t) => {
  for (const args of [['fuzz', '--corpus', 'dir'], ['fuzz', '--guided', '--corpus', '']]) {
    const r = await cli(args)
    const [first, second] = r.stderr.split('\n')
    t.is(r.code, 2, `${args.join(' ')}: exit 2`)
    t.ok(/^corestore-sim: --corpus needs (--guided|a folder)$/.test(first ?? ''), first)
    t.ok(/^usage: corestore-sim fuzz/.test(second ?? ''), 'usage follows')
    t.absent(STACK.test(r.stderr), 'no stack trace')
  }
  const dir = await tmpDir(t)
  const file = path.join(dir, 'file')
  fs.writeFileSync(file, 'x')
  const r = await cli(['fuzz', '--guided', '--corpus', file, '--seeds', '1..1', ...SMALL, '--no-progress'])
  t.is(r.code, 2)
  t.is(r.stderr.trim(), `corestore-sim: --corpus ${file}: not a folder`)
})
