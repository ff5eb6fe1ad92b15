import test from 'brittle'
import { spawnSync } from 'child_process'
import fs from 'fs'
import path from 'path'
import { pathToFileURL } from 'url'
import tmp from 'test-tmp'
import { tmpDir } from '../helpers/create'

// Checks the package as a user gets it, from dist/ (built by `npm test` before the
// tests run), in child processes so that Node's own resolution is what is tested.
// Self-reference (`require('corestore-ts')` from inside the repo) goes through the
// "exports" map exactly as an installed package does.

const ROOT = path.resolve(__dirname, '..', '..', '..')
const CHILD_TIMEOUT_MS = 20_000
// A guard, not a measurement: a full strict tsc run takes about 4 s idle, more on a busy machine.
const TSC_TIMEOUT_MS = 60_000

interface PackageJson {
  name: string
  bin?: Record<string, string>
  exports: Record<string, string | { types: string, default: string }>
  imports: Record<string, { bare: string, default: string }>
  scripts: Record<string, string>
  dependencies: Record<string, string>
}

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

function run (args: string[], env: Record<string, string> = {}, timeout = CHILD_TIMEOUT_MS): Run {
  const res = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout
  })
  return { status: res.status, stdout: res.stdout, stderr: res.stderr }
}

/** Runs a script in a child node and parses the JSON it prints last. */
function runJson (args: string[], env: Record<string, string> = {}): { ok: boolean, value: Record<string, unknown>, stderr: string } {
  const res = run(args, env)
  const last = res.stdout.trim().split('\n').pop() ?? ''
  if (res.status !== 0 || last === '') return { ok: false, value: {}, stderr: res.stderr }
  return { ok: true, value: JSON.parse(last) as Record<string, unknown>, stderr: res.stderr }
}

test('package: require(\'corestore-ts\') resolves through "exports" and returns the class', async (t) => {
  t.is(pkg.name, 'corestore-ts', 'package name')
  const script = `
    const Corestore = require('corestore-ts')
    const out = {
      resolved: require.resolve('corestore-ts'),
      type: typeof Corestore,
      sameAsDist: Corestore === require('./dist'),
      errorClass: typeof Corestore.CorestoreError,
      internal: null
    }
    try { require.resolve('corestore-ts/dist/store/corestore.js') } catch (err) { out.internal = err.code }
    const store = new Corestore(process.env.STORE_DIR)
    store.ready().then(async () => {
      out.instance = { get: typeof store.get, replicate: typeof store.replicate, primaryKey: store.primaryKey.length }
      await store.close()
      console.log(JSON.stringify(out))
    })
  `
  const res = runJson(['-e', script], { STORE_DIR: await tmpDir(t) })
  t.ok(res.ok, `child ran: ${res.stderr}`)
  t.alike(res.value, {
    resolved: path.join(ROOT, 'dist', 'index.js'),
    type: 'function',
    sameAsDist: true,
    errorClass: 'function',
    // Only what "exports" lists is reachable: proof the map, not the folder, resolved it.
    internal: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    instance: { get: 'function', replicate: 'function', primaryKey: 32 }
  })
})

test('package: import Corestore from \'corestore-ts\' works in ESM', async (t) => {
  const script = `
    import Corestore from 'corestore-ts'
    const store = new Corestore(process.env.STORE_DIR)
    await store.ready()
    const out = {
      url: import.meta.resolve('corestore-ts'),
      type: typeof Corestore,
      instanceOf: store instanceof Corestore,
      get: typeof store.get,
      replicate: typeof store.replicate
    }
    await store.close()
    console.log(JSON.stringify(out))
  `
  const res = runJson(['--input-type=module', '-e', script], { STORE_DIR: await tmpDir(t) })
  t.ok(res.ok, `child ran: ${res.stderr}`)
  t.alike(res.value, {
    url: pathToFileURL(path.join(ROOT, 'dist', 'index.js')).href,
    type: 'function',
    instanceOf: true,
    get: 'function',
    replicate: 'function'
  })
})

test('package: corestore-ts/sim resolves and loads', (t) => {
  const script = `
    const sim = require('corestore-ts/sim')
    const apps = Object.keys(require.cache).filter((f) => /node_modules[\\/](hyperbee|autobase|hyperdrive)[\\/]/.test(f))
    console.log(JSON.stringify({ resolved: require.resolve('corestore-ts/sim'), exports: Object.keys(sim).length, apps: apps.length }))
  `
  const res = runJson(['-e', script])
  t.ok(res.ok, `child ran: ${res.stderr}`)
  t.is(res.value.resolved, path.join(ROOT, 'dist', 'sim', 'index.js'), 'resolved from "exports"')
  t.ok(Number(res.value.exports) > 0, 'the sim entry exports something')
  t.is(res.value.apps, 0, 'no workload package (hyperbee, autobase, hyperdrive) is loaded until a workload is named')
  t.ok(fs.existsSync(path.join(ROOT, 'dist', 'sim', 'index.d.ts')), 'the sim entry ships types')
})

test('package: bin corestore-sim is an executable script under dist', (t) => {
  const bin = pkg.bin?.['corestore-sim']
  t.ok(bin !== undefined, 'bin corestore-sim is declared')
  const file = path.resolve(ROOT, bin ?? '')
  t.ok(file.startsWith(path.join(ROOT, 'dist') + path.sep), `${bin ?? ''} is under dist/`)
  t.ok(fs.existsSync(file), `${bin ?? ''} exists`)
  const head = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n', 1)[0] : ''
  t.is(head, '#!/usr/bin/env node', 'it starts with a node shebang, so npm can link it')
})

test('package: the packed files hold every entry point and the typings they reference', (t) => {
  // --ignore-scripts: packing must not run `prepare` (a full build) inside a test.
  const res = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS
  })
  t.is(res.status, 0, `npm pack ran: ${res.stderr}`)
  const packed = res.status === 0 ? (JSON.parse(res.stdout) as Array<{ files: Array<{ path: string }> }>)[0] : undefined
  const files = new Set((packed?.files ?? []).map((f) => f.path))

  const wanted = new Set<string>()
  for (const target of Object.values(pkg.exports)) {
    for (const file of typeof target === 'string' ? [target] : [target.types, target.default]) wanted.add(path.normalize(file))
  }
  for (const file of Object.values(pkg.bin ?? {})) wanted.add(path.normalize(file))
  // The typings point at hand-written declarations outside dist: they must ship too.
  const dts = fs.readFileSync(path.join(ROOT, 'dist', 'index.d.ts'), 'utf8')
  const refs = [...dts.matchAll(/<reference path="([^"]+)"/g)].map((m) => path.relative(ROOT, path.resolve(ROOT, 'dist', m[1] as string)))
  for (const ref of refs) wanted.add(ref)
  t.ok(wanted.has(path.join('dist', 'index.d.ts')), 'the main entry has typings')
  t.ok(refs.includes(path.join('src', 'types', 'hypercore.d.ts')), 'the typings reference the hypercore declarations')
  for (const file of wanted) t.ok(files.has(file), `packed: ${file}`)
})

test('package: a strict TypeScript consumer type-checks against the shipped typings', { timeout: 2 * TSC_TIMEOUT_MS }, async (t) => {
  t.ok(fs.existsSync(path.join(ROOT, 'dist', 'index.d.ts')), 'dist/index.d.ts exists')
  // Inside the repo, so the consumer resolves 'corestore-ts' by self-reference.
  const dir = await tmp(t, { dir: path.join(ROOT, 'build', 'pkgcheck') })
  const good = path.join(dir, 'good.ts')
  const bad = path.join(dir, 'bad.ts')
  fs.writeFileSync(good, [
    "import Corestore = require('corestore-ts')",
    "import type { GetOptions } from 'corestore-ts'",
    'type Opts = Corestore.GetOptions',
    "const opts: Opts & GetOptions = { name: 'feed', valueEncoding: 'utf-8' }",
    "const code: Corestore.CorestoreErrorCode = 'STORAGE_CONFLICT'",
    'export async function use (dir: string): Promise<Buffer | null> {',
    '  const store = new Corestore(dir, { primaryKey: null, gcIntervalMs: 500 })',
    "  const ns: Corestore = store.namespace('app')",
    '  const core = ns.get(opts)',
    '  await core.ready()',
    '  store.replicate(true).destroy()',
    '  await store.close()',
    '  return code === \'STORAGE_CONFLICT\' ? core.key : null',
    '}',
    ''
  ].join('\n'))
  // Must fail: proves the package's types are real, not `any`.
  fs.writeFileSync(bad, [
    "import Corestore = require('corestore-ts')",
    "const store = new Corestore('x')",
    'store.get(42)',
    'export const n: number = store.primaryKey',
    ''
  ].join('\n'))

  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] })
  const res = run([tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16',
    '--target', 'es2022', '--types', 'node', good, bad], {}, TSC_TIMEOUT_MS)
  const errors = res.stdout.split('\n').filter((line) => line.includes('error TS'))
  t.alike(errors.filter((line) => line.includes('good.ts')), [], 'the consumer type-checks')
  t.ok(errors.some((line) => line.includes('bad.ts(3,')), 'a wrong argument to get() is a type error')
  t.ok(errors.some((line) => line.includes('bad.ts(4,')), 'primaryKey is typed')
  t.is(errors.length, 2, errors.length === 2 ? 'only the two planted errors' : `tsc said: ${res.stdout}${res.stderr}`)
})

test('package: npm test runs the integration tests', (t) => {
  t.ok(pkg.scripts['test:integration']?.includes('build/test/integration/'), 'test:integration runs build/test/integration')
  t.ok(pkg.scripts.test?.includes('npm run test:integration'), 'npm test runs test:integration')
})

test('package: npm test runs the store\'s tests on Bare', (t) => {
  t.ok(pkg.scripts['test:bare:run']?.startsWith('brittle-bare \'build/test/store/'), 'test:bare:run runs build/test/store under brittle-bare')
  t.ok(pkg.scripts.test?.includes('npm run test:bare:run'), 'npm test runs test:bare:run')
})

test('package: what the store requires on Bare through "imports" is a dependency, not a devDependency', (t) => {
  // The map also serves the tests (fs, path, ... to bare-*, devDependencies): an app on Bare
  // gets only dependencies, so a store module requiring a mapped name needs its target there.
  const files = listJs(path.join(ROOT, 'dist')).filter((f) => !f.includes(`${path.sep}sim${path.sep}`))
  const required = new Set<string>()
  for (const f of files) {
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/require\("([^"./][^"]*)"\)/g)) required.add(m[1] as string)
  }
  const mapped = [...required].filter((name) => name in pkg.imports)
  t.ok(mapped.includes('events'), `the store requires mapped names: ${mapped.join(', ')}`)
  for (const name of mapped) {
    const target = pkg.imports[name]?.bare as string
    t.ok(target in pkg.dependencies, `${name} -> ${target} is a dependency`)
  }
})

function listJs (dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) return listJs(full)
    return e.name.endsWith('.js') ? [full] : []
  })
}
