// What workload code hands back to the host (messages, results) and how limits are named.
import type { JsonValue } from './workload'

/** A time limit as a message names it: which one, its value, and how to raise it. */
export function limitText (limit: 'setup' | 'check', ms: number): string {
  return `${limit}TimeoutMs = ${ms} ms of virtual time (raise it with the workload's ${limit}TimeoutMs or --${limit}-timeout)`
}

/** An invariant's or check's answer as messages; anything else is a broken workload. */
export function messages (found: unknown, what: string, fail: (message: string) => never): string[] {
  if (found === undefined || found === null || found === '') return []
  if (typeof found === 'string') return [found]
  if (Array.isArray(found) && found.every((m) => typeof m === 'string')) return found.filter((m) => m.length > 0)
  return fail(`${what} returned ${typeof found}: it must return a message, a list of messages, or nothing`)
}

/** An operation's result as plain JSON (what steps and traces can hold). */
export function toJson (value: unknown): JsonValue {
  const text = JSON.stringify(value)
  return text === undefined ? null : JSON.parse(text) as JsonValue
}
