import test from 'brittle'

/** A brittle test instance (brittle's typings do not export the interface). */
export type T = ReturnType<typeof test>

/** The `code` of a thrown value, or a description of why it has none. */
export function codeOf (err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err) return String((err as { code: unknown }).code)
  return `no code (${String(err)})`
}

/** Asserts that `fn` throws synchronously an error with `code`; returns the error. */
export function throwsCode (t: T, fn: () => unknown, code: string, msg: string): unknown {
  try {
    fn()
  } catch (err) {
    t.is(codeOf(err), code, msg)
    return err
  }
  t.fail(`${msg}: did not throw`)
  return null
}

/** Asserts that `promise` rejects with an error carrying `code`; returns the error. */
export async function rejectsCode (t: T, promise: Promise<unknown>, code: string, msg: string): Promise<unknown> {
  try {
    await promise
  } catch (err) {
    t.is(codeOf(err), code, msg)
    return err
  }
  t.fail(`${msg}: did not reject`)
  return null
}

/** Drains an async iterable into an array. */
export async function collect<V> (iterable: AsyncIterable<V>): Promise<V[]> {
  const out: V[] = []
  for await (const value of iterable) out.push(value)
  return out
}

/**
 * Keeps the event loop alive until the test ends. The store's GC timer is unref'd on
 * purpose, so a test that only awaits GC would otherwise let Node exit mid-test.
 */
export function keepAlive (t: T): void {
  const timer = setInterval(noop, 60_000)
  t.teardown(() => clearInterval(timer))
}

function noop (): void {}
