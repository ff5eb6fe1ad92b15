#!/usr/bin/env node
import { reportCommand } from './report'
import { fuzzCommand } from './fuzz'
import { replayCommand } from './replay'
import { runCommand } from './run'
import { CliError, UsageError } from './usage'
import { worker } from './worker'

/** One subcommand of `corestore-sim`. */
export interface Command {
  /** One line for the general usage. */
  summary: string
  /** Runs it with the arguments after its name; resolves with the exit code. */
  main (argv: readonly string[]): Promise<number>
}

/** The subcommands, by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  run: { summary: 'run one generated scenario and print its summary (a failure is shrunk)', main: runCommand },
  replay: { summary: 'rerun a saved scenario (a replay file) exactly', main: replayCommand },
  fuzz: { summary: 'run many seeds in parallel processes; shrink and save the first failure', main: fuzzCommand },
  report: { summary: 'draw a trace as an HTML page (timeline, faults, steps)', main: reportCommand }
}

/** The general usage: every command with its one line. */
export function generalUsage (): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length))
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  corestore-sim ${name.padEnd(width)}  ${c.summary}`)
  return `usage:\n${lines.join('\n')}\n\nRun \`corestore-sim <command> --help\` for a command's options.`
}

/** CLI entry: `corestore-sim <command> [options]`. Resolves with the exit code. */
export async function main (argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === 'worker') return worker(rest[0])
  if (name === undefined) {
    console.error('corestore-sim: no command given')
    console.error(generalUsage())
    return 2
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    console.log(generalUsage())
    return 0
  }
  const command = COMMANDS[name]
  try {
    if (command === undefined || !Object.prototype.hasOwnProperty.call(COMMANDS, name)) {
      throw new UsageError(`unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(', ')})`, generalUsage())
    }
    return await command.main(rest)
  } catch (err) {
    return report(err)
  }
}

/** Prints an error as one line (plus usage for a usage error); never a stack trace unless DEBUG asks. */
function report (err: unknown): number {
  if (err instanceof UsageError) {
    console.error(`corestore-sim: ${err.message}`)
    console.error(err.usage)
    return 2
  }
  const message = err instanceof Error ? err.message : String(err)
  console.error(`corestore-sim: ${err instanceof CliError ? message : `error: ${message.split('\n')[0] as string}`}`)
  if (process.env.DEBUG !== undefined && err instanceof Error && err.stack !== undefined) console.error(err.stack)
  return 2
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: unknown) => {
    console.error(`corestore-sim: ${err instanceof Error ? err.message : String(err)}`)
    process.exitCode = 2
  })
}
