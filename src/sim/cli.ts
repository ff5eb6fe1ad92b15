#!/usr/bin/env node
// `node dist/sim/cli.js ...`: the entry the first release documented, before the CLI
// moved to cli/main.ts. Scripts that call it must get the CLI (and its one-line usage
// errors), not a "Cannot find module" stack trace.
import { main } from './cli/main'

main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: unknown) => {
  console.error(`corestore-sim: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 2
})
