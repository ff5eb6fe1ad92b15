import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { tmpDir } from '../helpers/create'
import { bareExecutable, runChild } from '../helpers/child'
import type { T } from '../helpers/assert'

// The README's API example, as written, on Node and on Bare; and the store's entry point
// never loads the simulator (corestore-ts/sim stays Node-only).

const ROOT = path.join(__dirname, '..', '..', '..')
const RUNTIMES: ReadonlyArray<readonly [string, string]> = [['node', process.execPath], ['bare', bareExecutable()]]

/** The first ```js block under "## API" in the README. */
function apiExample (): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const api = readme.slice(readme.indexOf('\n## API\n'))
  const block = /```js\n([\s\S]*?)```/.exec(api)
  if (block === null) throw new Error('README: no ```js block under "## API"')
  return block[1] as string
}

/** A folder where `require('corestore-ts')` finds this package, as an app's would (built dist/). */
async function appDir (t: T): Promise<string> {
  const dir = await tmpDir(t)
  fs.mkdirSync(path.join(dir, 'node_modules'))
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'corestore-ts'), 'dir')
  return dir
}

for (const [name, exe] of RUNTIMES) {
  test(`readme on ${name}: the API example runs as written`, async (t) => {
    const example = apiExample()
    // What the example says it prints, in its own comment: the README and the run must agree.
    const printed = /console\.log\(await clone\.get\(0\)\)\s*\/\/ (.+)/.exec(example)?.[1]?.trim()
    t.ok(printed !== undefined, `the example states what it prints: ${String(printed)}`)
    const dir = await appDir(t)
    // The example uses top-level await, which a CommonJS file does not have on either
    // runtime: it runs inside an async function, its text unchanged.
    fs.writeFileSync(path.join(dir, 'example.js'), `(async () => {\n${example}\n})()\n`)
    const res = await runChild(path.join(dir, 'example.js'), [], { exe, timeoutMs: 60_000, cwd: dir })
    t.is(res.status, 0, `exit code 0 (the stores closed, nothing kept it alive): ${res.stderr}`)
    t.is(res.stdout.trim(), printed, 'it printed the first block as the README says')
    t.ok(fs.existsSync(path.join(dir, 'my-storage')) && fs.existsSync(path.join(dir, 'other-storage')), 'the stores were written in the app folder')
  })

  test(`entry point on ${name}: require('corestore-ts') loads the store and never the simulator`, async (t) => {
    const dir = await appDir(t)
    fs.writeFileSync(path.join(dir, 'load.js'), [
      "const Corestore = require('corestore-ts')",
      'const loaded = Object.keys(require.cache)',
      "const count = (part) => loaded.filter((k) => k.includes(part)).length",
      "console.log(JSON.stringify({ type: typeof Corestore, store: count('/dist/store/'), sim: count('/dist/sim/') }))"
    ].join('\n'))
    const res = await runChild(path.join(dir, 'load.js'), [], { exe, cwd: dir })
    t.is(res.status, 0, `loads: ${res.stderr}`)
    const got = JSON.parse(res.stdout.trim() || '{}') as { type?: string, store?: number, sim?: number }
    t.is(got.type, 'function', 'exports the class')
    t.ok((got.store ?? 0) > 5, `loaded the store's modules (${String(got.store)})`)
    t.is(got.sim, 0, 'and no module of the simulator')
  })
}
