// A simulation whose promise nothing can settle must end with an error, not wait for ever:
// a pooled worker's IPC channel would keep it alive at zero CPU (seen once in an Autobase
// campaign: a worker idle for 20 minutes at virtual 570 s, nothing left to run).
import test from 'brittle'
import { fork } from 'child_process'
import path from 'path'

const CHILD = path.join(__dirname, 'fixtures', 'stall-child.js')

function runChild (kind: string): Promise<{ value?: number, error?: string } | null> {
  return new Promise((resolve) => {
    const child = fork(CHILD, [kind], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    let got: { value?: number, error?: string } | null = null
    // A real bound, only so that a broken guard fails the test instead of hanging it.
    const timer = setTimeout(() => child.kill(), 20_000)
    child.on('message', (msg: { value?: number, error?: string }) => { got = msg })
    child.on('exit', () => { clearTimeout(timer); resolve(got) })
  })
}

test('worker: a run that stalls (nothing left to settle it) fails with an error, even with its IPC channel open', async (t) => {
  const got = await runChild('stall')
  t.ok(got !== null && typeof got.error === 'string', `ended with an error: ${JSON.stringify(got)}`)
  t.ok(/^the simulation stalled: nothing was left to run/.test(got?.error ?? ''), 'says it stalled')
})

test('worker: a run that finishes is not taken for a stall', async (t) => {
  const got = await runChild('finish')
  t.alike(got, { value: 5 }, 'its result')
})
