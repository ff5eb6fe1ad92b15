import test from 'brittle'
import { spawnSync } from 'child_process'
import fs from 'fs'
import path from 'path'
import tmp from 'test-tmp'
import { tmpDir } from '../helpers/create'

// A TypeScript user's project, under every common module setting, imports
// `corestore-ts` (default import) and `corestore-ts/sim`, type-checks against the
// shipped typings (no skipLibCheck), and, where tsc emits runnable code, runs.
// The package is installed the way npm does it: node_modules/corestore-ts -> the repo.

const ROOT = path.resolve(__dirname, '..', '..', '..')
const TSC = require.resolve('typescript/bin/tsc', { paths: [ROOT] })
// A guard, not a measurement: one strict tsc run takes seconds, more on a busy machine.
const TSC_TIMEOUT_MS = 120_000

interface Setting {
  name: string
  compilerOptions: Record<string, unknown>
  /** Extension of the consumer's sources (`.mts` makes an ES module under node16). */
  ext: '.ts' | '.mts' | '.cts'
  /** How to run the emitted entry, or null where a bundler would take over. */
  run: 'require' | 'import' | null
}

const SETTINGS: Setting[] = [
  { name: 'node10, commonjs, esModuleInterop', compilerOptions: { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true }, ext: '.ts', run: 'require' },
  { name: 'node10, commonjs, no esModuleInterop', compilerOptions: { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: false }, ext: '.ts', run: 'require' },
  { name: 'node16, CommonJS file', compilerOptions: { module: 'node16', moduleResolution: 'node16' }, ext: '.cts', run: 'require' },
  { name: 'node16, ES module file', compilerOptions: { module: 'node16', moduleResolution: 'node16' }, ext: '.mts', run: 'import' },
  { name: 'nodenext, ES module file', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' }, ext: '.mts', run: 'import' },
  { name: 'bundler', compilerOptions: { module: 'esnext', moduleResolution: 'bundler', noEmit: true }, ext: '.ts', run: null }
]

const MAIN = `import Corestore from 'corestore-ts'
import { Sim, resolveSimOptions, type SimOptions } from 'corestore-ts/sim'

const simOptions: SimOptions = { seed: 1, peers: 2 }
export const peers: number = resolveSimOptions(simOptions).peers
export const create: typeof Sim.create = (opts) => Sim.create(opts)

export async function main (dir: string): Promise<string> {
  const store: InstanceType<typeof Corestore> = new Corestore(dir, { gcIntervalMs: 500 })
  const core = store.get({ name: 'x' })
  await core.append(Buffer.from('typed'))
  const length: number = core.length
  await store.close()
  return \`\${length} \${peers} \${typeof create}\`
}
`

// Must fail to compile: proves the types are real, not `any`.
const BAD = `import Corestore from 'corestore-ts'
import { resolveSimOptions } from 'corestore-ts/sim'

export const key: string = new Corestore('dir').primaryKey
export const seed: string = resolveSimOptions({ seed: 1 }).seed
`

function project (dir: string, s: Setting): void {
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true })
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'corestore-ts'), 'dir')
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }))
  fs.writeFileSync(path.join(dir, `main${s.ext}`), MAIN)
  fs.writeFileSync(path.join(dir, `bad${s.ext}`), BAD)
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'es2022',
      strict: true,
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      outDir: 'out',
      ...s.compilerOptions
    },
    files: [`main${s.ext}`, `bad${s.ext}`]
  }))
}

for (const setting of SETTINGS) {
  test(`typescript consumers: ${setting.name}`, { timeout: 2 * TSC_TIMEOUT_MS }, async (t) => {
    const dir = await tmp(t)
    project(dir, setting)
    const res = spawnSync(process.execPath, [TSC, '-p', dir], { cwd: dir, encoding: 'utf8', timeout: TSC_TIMEOUT_MS })
    const errors = res.stdout.split('\n').filter((line) => line.includes('error TS'))
    t.alike(errors.filter((line) => !line.startsWith('bad')), [], 'the consumer and the shipped typings type-check')
    t.is(errors.filter((line) => line.startsWith('bad') && line.includes('TS2322')).length, 2, 'the two planted type errors are found')
    t.is(errors.length, 2, `and nothing else: ${res.stdout}${res.stderr}`)
    if (setting.run === null) return

    const out = path.join(dir, 'out', setting.ext === '.mts' ? 'main.mjs' : setting.ext === '.cts' ? 'main.cjs' : 'main.js')
    t.ok(fs.existsSync(out), 'tsc emitted the consumer (errors elsewhere do not stop emit)')
    const load = setting.run === 'require'
      ? `require(${JSON.stringify(out)})`
      : `await import(${JSON.stringify(out)})`
    const script = `(async () => { const m = ${load}; console.log(await m.main(process.argv[1])) })()`
    const ran = spawnSync(process.execPath, ['-e', script, await tmpDir(t)], { cwd: dir, encoding: 'utf8', timeout: 30_000 })
    t.is(ran.stdout.trim(), '1 2 function', `the emitted code runs: ${ran.stderr}`)
  })
}
