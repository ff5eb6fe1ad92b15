// npm run mutants [-- --only MUTANT[,MUTANT]] [--properties PROPERTY[,PROPERTY]] [--pin]
// Runs the checks that must catch every planted bug, each in a fresh child process
// (a patched module never leaks into the next run): a mutant's declared killers (each
// must fail: properties at npm test's seeds, test files of npm test), or else the
// property suite until a property fails. Prints a table; the last line is
// `mutants: K/N killed, longest shrunk scenario S steps`. With --pin, each killing
// property scenario is appended to regressions.json: on the real store it must keep holding.
import { spawn } from 'child_process'
import path from 'path'
import { MUTANTS } from '.'
import { parseFlags } from '../harness/replay-line'
import { appendRegressions } from '../harness/regressions'
import type { MutantResult } from './child'

/** Shrunk scenarios longer than this count as not shrunk enough. */
const STEPS_MAX = 10

function runChild (name: string, properties: string | null): Promise<MutantResult> {
  return new Promise((resolve, reject) => {
    const args = [path.join(__dirname, 'child.js'), '--mutant', name, ...(properties === null ? [] : ['--properties', properties])]
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      out += chunk
      for (const line of chunk.split('\n')) if (line !== '' && !line.startsWith('{')) process.stderr.write(`  [${name}] ${line}\n`)
    })
    child.on('error', reject)
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? ''
      try {
        resolve(JSON.parse(last) as MutantResult)
      } catch {
        reject(new Error(`mutant ${name}: child exited with ${String(code)} and no result`))
      }
    })
  })
}

function pad (s: string, n: number): string {
  return s.length >= n ? `${s} ` : s + ' '.repeat(n - s.length)
}

async function main (): Promise<void> {
  const flags = parseFlags(process.argv.slice(2))
  const only = flags.get('only')?.split(',') ?? null
  const mutants = only === null ? MUTANTS : MUTANTS.filter((m) => only.includes(m.name))
  const seed = process.env.PROPERTY_SEED
  const properties = flags.get('properties') ?? null
  console.log(`mutants: ${mutants.length} planted bugs, ${seed === undefined || seed === '' ? "npm test's property seeds" : `property seed ${seed} (PROPERTY_SEED)`}, npm test's run counts, properties: ${properties ?? 'all, in order, until one fails'}`)
  const results: MutantResult[] = []
  for (const m of mutants) {
    process.stderr.write(`mutant ${m.name}: ${m.summary}\n`)
    const r = await runChild(m.name, properties)
    results.push(r)
  }
  console.log('')
  console.log(`${pad('mutant', 36)}${pad('killed by', 48)}${pad('steps', 7)}${pad('scenarios', 11)}replay`)
  for (const r of results) {
    const by = r.killedBy === null ? 'SURVIVED' : r.missed.length > 0 ? `${r.killedBy}; MISSED by ${r.missed.join(',')}` : r.killedBy
    console.log(`${pad(r.mutant, 36)}${pad(by, 48)}${pad(r.target === null ? '-' : String(r.steps), 7)}${pad(String(r.scenarios), 11)}${r.replay ?? '-'}`)
  }
  // Killed: caught, and by every check declared to catch it.
  const killed = results.filter((r) => r.killedBy !== null && r.missed.length === 0)
  const longest = killed.reduce((max, r) => Math.max(max, r.steps), 0)
  const tooLong = killed.filter((r) => r.steps > STEPS_MAX)
  if (killed.length < results.length || tooLong.length > 0) process.exitCode = 1
  if (flags.has('pin')) {
    let pinned = 0
    for (const r of killed) if (r.target !== null) pinned += appendRegressions([r.target], `sentinel: kills planted bug ${r.mutant}; holds on the real store`, r.mutant)
    console.log(`pinned ${pinned} new sentinel scenario(s) in test/property/regressions.json`)
  }
  if (tooLong.length > 0) console.log(`shrunk past ${STEPS_MAX} steps: ${tooLong.map((r) => r.mutant).join(', ')}`)
  console.log(`mutants: ${killed.length}/${results.length} killed, longest shrunk scenario ${longest} steps`)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 2
})
