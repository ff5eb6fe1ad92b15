// The GitHub Actions workflow of the sharded fuzz campaign, checked without GitHub: the
// workflow schema (action-validator, also run by `npm run lint`) accepts it and rejects
// a broken copy; its matrix and --shard agree; its fuzz flags parse.
import test from 'brittle'
import { spawnSync } from 'child_process'
import fs from 'fs'
import path from 'path'
import { parseFuzzArgs } from '../../src/sim'
import { tmpDir } from '../helpers/create'

const ROOT = path.join(__dirname, '..', '..', '..')
const WORKFLOW = path.join(ROOT, '.github', 'workflows', 'sim-fuzz.yml')
const VALIDATOR = path.join(ROOT, 'node_modules', '@action-validator', 'cli', 'cli.mjs')

function validate (file: string): { code: number | null, output: string } {
  const r = spawnSync(process.execPath, [VALIDATOR, file], { encoding: 'utf8' })
  return { code: r.status, output: r.stdout + r.stderr }
}

test('workflow: the schema accepts it and rejects a broken copy', async (t) => {
  const ok = validate(WORKFLOW)
  t.is(ok.code, 0, ok.output)
  const dir = await tmpDir(t)
  const text = fs.readFileSync(WORKFLOW, 'utf8')
  const broken = path.join(dir, 'broken.yml')
  fs.writeFileSync(broken, text.replace('runs-on:', 'runs-onn:'))
  const bad = validate(broken)
  t.is(bad.code, 1, 'a misspelt key is rejected')
  t.ok(/runs-onn/.test(bad.output))
  fs.writeFileSync(broken, text.replace("cron: '23 2 * * *'", "cronn: '23 2 * * *'"))
  t.is(validate(broken).code, 1, 'a schedule without cron is rejected')
  fs.writeFileSync(broken, text.replace('timeout-minutes: 90', 'timeout-minutes: ninety'))
  t.is(validate(broken).code, 1, 'a timeout that is not a number is rejected')
})

test('workflow: scheduled and on demand; the matrix and --shard agree; the fuzz flags parse', (t) => {
  const text = fs.readFileSync(WORKFLOW, 'utf8')
  t.ok(/^ {2}schedule:/m.test(text) && /^ {2}workflow_dispatch:/m.test(text), 'schedule and workflow_dispatch')
  const shards = /^ {8}shard: \[([\d, ]+)\]$/m.exec(text)?.[1]?.split(',').map(Number) ?? []
  const count = Number(/^ {6}SHARDS: (\d+)$/m.exec(text)?.[1])
  t.ok(count > 1, `${count} shards`)
  t.alike(shards, Array.from({ length: count }, (_, i) => i + 1), 'matrix = 1..SHARDS')
  const command = /npx corestore-sim fuzz ([^\n]*\\\n[^\n]*)/.exec(text)?.[1]
  if (command === undefined) return t.fail('no fuzz command')
  const args = command
    .replace(/\\\n/g, ' ')
    .replace('${{ matrix.shard }}', '3')
    .replace('$SHARDS', String(count))
    .replace('$first', '1000')
    .replace('$FUZZ_TIME', '20m')
    .replace('$STORE', 'project')
    .replace(/"/g, '')
    .trim().split(/\s+/)
  const parsed = parseFuzzArgs(args)
  if (parsed === null) return t.fail('help')
  t.alike(parsed.shard, { index: 3, count })
  t.is(parsed.timeMs, 20 * 60_000)
  t.ok(parsed.keepGoing, '--keep-going: every failing seed of a shard is kept')
  t.is(parsed.out, 'sim-failures')
  t.ok(new RegExp(`path: ${parsed.out}/`).test(text), 'uploads the --out folder')
  t.ok(/if: always\(\)/.test(text), 'uploads even when the fuzz step failed')
  t.ok(parsed.guided, '--guided')
  t.is(parsed.corpus, 'sim-corpus')
  const corpus = parsed.corpus as string
  t.ok(new RegExp(`uses: actions/cache/restore@v4\\n +with:\\n +path: ${corpus}\\n +key: sim-corpus-\\$\\{\\{ github.run_id \\}\\}\\n +restore-keys: sim-corpus-`).test(text), 'each shard restores the last corpus')
  t.ok(new RegExp(`name: sim-corpus-shard-\\$\\{\\{ matrix.shard \\}\\}\\n +path: ${corpus}/`).test(text), 'and uploads its folder')
  t.ok(/pattern: sim-corpus-shard-\*\n +path: sim-corpus\n +merge-multiple: true/.test(text), 'the merge job unions the shards\' folders')
  t.ok(new RegExp(`uses: actions/cache/save@v4\\n +with:\\n +path: ${corpus}\\n +key: sim-corpus-`).test(text), 'and caches the union for the next run')
})
