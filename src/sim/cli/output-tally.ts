import type { ChildProcess } from 'child_process'

/**
 * Counts what simulation processes print when their output is captured (apps under
 * test log, and Autobase prints raw AssertionError stacks when it reaches a state it
 * asserts against): the CLI shows one line about it instead of the stacks.
 */
export class OutputTally {
  /** Non-empty lines printed so far. */
  lines = 0
  /** The first of them, or null. */
  first: string | null = null
  private readonly partial = new WeakMap<NodeJS.ReadableStream, string>()

  /** Reads a child's stdout and stderr, if they are pipes. */
  watch (child: ChildProcess): void {
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => this.add(stream, chunk))
    }
  }

  /** One line about what was printed and not shown, or null if nothing was. */
  summary (what: string): string | null {
    if (this.lines === 0) return null
    return `${what}: the app printed ${this.lines} line${this.lines === 1 ? '' : 's'} (not shown; first: ${(this.first ?? '').slice(0, 160)})`
  }

  private add (stream: NodeJS.ReadableStream, chunk: string): void {
    const text = (this.partial.get(stream) ?? '') + chunk
    const parts = text.split('\n')
    this.partial.set(stream, parts.pop() as string)
    for (const line of parts) {
      if (line.trim().length === 0) continue
      this.lines++
      this.first ??= line.trim()
    }
  }
}
