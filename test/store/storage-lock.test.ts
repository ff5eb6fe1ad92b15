import test from 'brittle'
import fs from 'fs'
import path from 'path'
import Corestore from '../../src'
import { tmpDir } from '../helpers/create'
import { codeOf, type T } from '../helpers/assert'
import { childScript, startChild } from '../helpers/child'

// A second store on a folder another store holds open: upstream rejects ready() with
// hypercore-storage's uncoded "File descriptor could not be locked". Ours rejects at
// the same point with STORAGE_LOCKED naming the folder, and leaves nothing open.

/** This process's open file descriptors into `dir` (Linux /proc). */
function fdsInto (dir: string): string[] {
  const out: string[] = []
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(path.join('/proc/self/fd', fd))
      // RocksDB's failed open rotates the holder's info log (LOG -> LOG.old.<time>): same fd, renamed.
      if (target.startsWith(dir + path.sep) || target === dir) out.push(target.replace(/LOG\.old\.\d+$/, 'LOG'))
    } catch {
      // the fd readdir itself used is gone by now
    }
  }
  return out.sort()
}

async function expectLocked (t: T, dir: string, opts: { allowBackup?: boolean } = {}): Promise<void> {
  const held = fdsInto(dir)
  const second = new Corestore(dir, opts)
  const session = second.get({ name: 'x' })
  let err: unknown = null
  try {
    await second.ready()
  } catch (e) {
    err = e
  }
  t.is(codeOf(err), 'STORAGE_LOCKED', 'ready() rejects with STORAGE_LOCKED')
  t.ok(String((err as Error | null)?.message).includes(dir), `the message names the folder: ${String((err as Error | null)?.message)}`)
  t.is(codeOf(await session.ready().then(() => null, (e: unknown) => e)), 'STORAGE_LOCKED', 'a session of it fails the same way')
  t.alike(fdsInto(dir), held, 'the failed store left no file of the folder open')
  await second.close()
  t.pass('close() of the failed store resolves')
}

test('storage lock: a second store on a folder this process holds open', async (t) => {
  const dir = await tmpDir(t)
  const first = new Corestore(dir)
  const core = first.get({ name: 'x' })
  await core.append('one')
  await expectLocked(t, dir)

  await core.append('two')
  t.is(core.length, 2, 'the first store still works')
  await first.close()
  t.alike(fdsInto(dir), [], 'closing the first releases everything')
  const third = new Corestore(dir)
  const again = third.get({ name: 'x' })
  await again.ready()
  t.is(again.length, 2, 'the folder opens again, with the data')
  await third.close()
})

test('storage lock: with allowBackup (RocksDB\'s own LOCK)', async (t) => {
  const dir = await tmpDir(t)
  const first = new Corestore(dir, { allowBackup: true })
  await first.ready()
  await expectLocked(t, dir, { allowBackup: true })
  await first.close()
  const again = new Corestore(dir, { allowBackup: true })
  await again.ready()
  t.pass('the folder opens again')
  await again.close()
})

test('storage lock: a folder another process holds open', async (t) => {
  const dir = await tmpDir(t)
  const child = startChild(childScript('lock-holder'), [dir])
  t.teardown(() => { if (child.exitCode === null) child.kill() })
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve() })
    child.once('exit', () => reject(new Error('holder exited early')))
  })
  await expectLocked(t, dir)
  child.stdin?.end()
  await new Promise((resolve) => child.once('exit', resolve))
  const store = new Corestore(dir)
  await store.ready()
  t.pass('opens once the other process closed it')
  await store.close()
})
