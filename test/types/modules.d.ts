// Typings for test-only packages that ship none.

declare module 'test-tmp' {
  function tmp (t?: { teardown (fn: () => unknown, opts?: { order?: number }): void }, opts?: { dir?: string, name?: string }): Promise<string>
  export = tmp
}

declare module 'rache' {
  class Rache {
    constructor (opts?: { maxSize?: number })
  }
  export = Rache
}
