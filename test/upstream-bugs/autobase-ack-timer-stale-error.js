#!/usr/bin/env node
// autobase 7.28.1, lib/timer.js: Timer._execute() clears `_executing` and re-arms only
// after its handler resolved. When the handler (Autobase's background ack,
// `_backgroundAck` -> `ack(true)`) rejects, for example because a storage read failed
// (a read error under `applyState.shouldWrite()`), `_executing` keeps that rejected
// promise for ever: the timer never runs again (no more background acks) and every
// `flush()` rejects with the old error. Autobase's `_close()` awaits
// `this._ackTimer.flush()` (index.js, after `this.local.close()`), so `close()` rejects
// with a read error from long ago and skips the rest of its close (`_wakeup`,
// `_applyState`, `_viewStore`, `core`, `store`). Sim: autobase seed 15, peer 0: a read
// failed at 607 s, the base kept working, its close() at 770 s rejected with that EIO.
//
// Reproduced on the Timer Autobase itself uses, with a handler that fails as the ack did
// on a disk read error (no simulator, no storage needed to show the state it keeps).
//
//   node test/upstream-bugs/autobase-ack-timer-stale-error.js [--store upstream|project]
//
// No store is involved (`--store` is accepted for the runner; same result on both).
// Prints details, then `bug present` (exit 10) or `bug gone` (exit 0).
const Timer = require('autobase/lib/timer.js')

const PRESENT = 10

async function main () {
  let runs = 0
  let fail = true
  const handler = async () => {
    runs++
    if (fail) {
      fail = false
      throw Object.assign(new Error('While reading a block (injected): Input/output error'), { code: 'EIO' })
    }
  }
  const timer = new Timer(handler, 20)
  timer.bump()
  await new Promise((resolve) => setTimeout(resolve, 200))
  const afterFailure = runs
  // Later activity bumps the timer, as every append and update of the base does.
  for (let i = 0; i < 5; i++) {
    timer.bump()
    await new Promise((resolve) => setTimeout(resolve, 60))
  }
  const flushed = await timer.flush().then(() => null, (err) => err)
  timer.stop()
  const stale = flushed !== null && flushed.code === 'EIO'
  const stuck = runs === afterFailure
  if (stale && stuck) {
    console.log(`after one failed run the timer ran ${runs - afterFailure} more time(s) in 5 bumps and flush() still rejects with the old error (${flushed.message}); Autobase's close() awaits that flush`)
    console.log('bug present')
    process.exit(PRESENT)
  }
  console.log(`flush: ${flushed === null ? 'resolved' : flushed.message}; runs after the failure: ${runs - afterFailure}`)
  console.log('bug gone')
  process.exit(0)
}

main().catch((err) => { console.error(err); process.exit(1) })
