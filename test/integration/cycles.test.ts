import test from 'brittle'
import { spawnSync } from 'child_process'
import fs from 'fs'
import path from 'path'
import tmp from 'test-tmp'

// `npm run lint` runs `madge --circular` over src/: no import cycles, type-only
// imports included (a store class passed where a narrow interface would do is a
// cycle). This proves the check sees such a cycle, and that src/ has none.

const ROOT = path.resolve(__dirname, '..', '..', '..')
const MADGE = path.join(ROOT, 'node_modules', 'madge', 'bin', 'cli.js')

function madge (dir: string): { status: number | null, out: string } {
  const res = spawnSync(process.execPath, [MADGE, '--circular', '--extensions', 'ts', '--no-spinner', dir], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })
  return { status: res.status, out: res.stdout + res.stderr }
}

test('cycles: the check finds a cycle made of type-only imports', async (t) => {
  const dir = await tmp(t)
  fs.writeFileSync(path.join(dir, 'store.ts'), "import { helper } from './helper'\nexport class Store { run (): number { return helper(this) } }\n")
  fs.writeFileSync(path.join(dir, 'helper.ts'), "import type { Store } from './store'\nexport function helper (s: Store): number { return s === null ? 0 : 1 }\n")
  const res = madge(dir)
  t.is(res.status, 1, 'exits 1')
  t.ok(res.out.includes('helper.ts') && res.out.includes('store.ts'), `names the cycle: ${res.out}`)
})

test('cycles: src/ has no import cycle', (t) => {
  const res = madge(path.join(ROOT, 'src'))
  t.is(res.status, 0, res.out)
  t.ok(res.out.includes('No circular dependency found'), 'madge says so')
})
