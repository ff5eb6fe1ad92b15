/**
 * A mistake in how the command was called: printed as one line plus the command's
 * usage, exit code 2, never with a stack trace.
 */
export class UsageError extends Error {
  /** Stable code, for callers that run the CLI functions in-process. */
  readonly code = 'USAGE'
  /** The usage text to print after the message (the command's own, or the general one). */
  readonly usage: string

  constructor (message: string, usage: string) {
    super(message)
    this.name = 'UsageError'
    this.usage = usage
  }
}

/**
 * A failure the caller can act on that is not a usage mistake (a store package that is
 * not installed, a file that cannot be read): printed as one line, exit code 2.
 */
export class CliError extends Error {
  /** Stable code. */
  readonly code: string

  constructor (code: string, message: string) {
    super(message)
    this.name = 'CliError'
    this.code = code
  }
}
