import type Hypercore from 'hypercore'
import { ModelStep } from '../harness/model-step'
import type { DiffModel } from '../model/diff-model'
import type { DiffSide, DiffWorld } from '../model/diff-world'
import type { GetOptions } from '../../../src/store/types'

/** How a differential get names its core; the last three are expected to fail. */
export type DiffGetMode = 'name' | 'name-readonly' | 'key' | 'discoveryKey' | 'unknown-discoveryKey' | 'bad-key' | 'closed-store'

const OPENS: readonly DiffGetMode[] = ['name', 'name-readonly', 'key', 'discoveryKey']

function describeSession (s: Hypercore): string {
  return `key=${s.key?.toString('hex').slice(0, 16) ?? 'none'} len=${s.length} writable=${String(s.writable)}`
}

/**
 * `session#N = store#S.get(...)` on both, awaiting ready(). Modes that must fail (an
 * unknown discovery key, a malformed key, a closed store session) open nothing.
 */
export class DiffGet extends ModelStep<DiffModel, DiffWorld> {
  constructor (readonly pick: number, readonly name: string, readonly mode: DiffGetMode) {
    super()
  }

  override get kind (): string {
    return `get ${this.mode}`
  }

  private target (m: Readonly<DiffModel>): { store: number, core: string } | null {
    const store = this.mode === 'closed-store' ? m.pickClosedStore(this.pick) : m.pickStore(this.pick)
    if (store === null) return null
    if (this.mode === 'key' || this.mode === 'discoveryKey') {
      const core = m.pickCore(this.pick)
      return core === null ? null : { store, core }
    }
    return { store, core: m.coreIn(store, this.name) }
  }

  check (m: Readonly<DiffModel>): boolean {
    return this.target(m) !== null && m.sessions.length < 16
  }

  private opts (side: DiffSide, m: DiffModel, core: string): GetOptions | string {
    const known = m.cores.has(core) ? side.keys.get(core) : undefined
    switch (this.mode) {
      case 'name': case 'closed-store': return { name: this.name }
      case 'name-readonly': return { name: this.name, writable: false }
      case 'key': return { key: known?.key ?? null }
      case 'discoveryKey': return { discoveryKey: known?.discoveryKey ?? null }
      case 'unknown-discoveryKey': return { discoveryKey: Buffer.alloc(32, 0xab) }
      case 'bad-key': return 'not-a-key'
    }
  }

  label (m: DiffModel): string {
    const t = this.target(m)
    const arg = this.mode === 'name' ? `{ name: '${this.name}' }`
      : this.mode === 'name-readonly' ? `{ name: '${this.name}', writable: false }`
        : this.mode === 'closed-store' ? `{ name: '${this.name}' } on a closed store session`
          : this.mode === 'bad-key' ? "'not-a-key'"
            : this.mode === 'unknown-discoveryKey' ? '{ discoveryKey: 0xab x 32 (never stored) }'
              : `{ ${this.mode}: ${this.mode} of ${t?.core ?? '?'} }`
    const lhs = OPENS.includes(this.mode) ? `session#${m.sessions.length} = ` : ''
    return `${lhs}store#${String(t?.store)}.get(${arg})${OPENS.includes(this.mode) ? `  -> ${t?.core ?? '?'}` : ''}`
  }

  async act (m: DiffModel, w: DiffWorld): Promise<void> {
    const t = this.target(m)
    if (t === null) return
    const opens = OPENS.includes(this.mode)
    await w.both(this.label(m), async (side) => {
      const store = side.stores.get(t.store)
      if (store === undefined) throw new Error('no store')
      if (opens) side.sessions.set(m.sessions.length, null)
      const session = store.get(this.opts(side, m, t.core))
      try {
        await session.ready()
      } catch (err) {
        await session.close().catch(() => {})
        throw err
      }
      if (!opens) {
        await session.close()
        return describeSession(session)
      }
      side.sessions.set(m.sessions.length, session)
      if (this.mode === 'name' && session.key !== null && session.discoveryKey !== null) side.keys.set(t.core, { key: session.key, discoveryKey: session.discoveryKey })
      return describeSession(session)
    })
  }

  apply (m: DiffModel): void {
    const t = this.target(m)
    if (t === null || !OPENS.includes(this.mode)) return
    if (this.mode === 'name') m.cores.add(t.core)
    m.openSession(t.store, t.core, this.mode !== 'name-readonly')
  }

  toString (): string {
    return `get(${this.pick}, ${this.name}, ${this.mode})`
  }
}

/** What a session step does on both sides. */
export type DiffSessionOp = 'append' | 'read' | 'close' | 'child'

/** `session#N.append(...)`, `.get(i)`, `.close()` or `.session()` on both. */
export class DiffSessionStep extends ModelStep<DiffModel, DiffWorld> {
  constructor (readonly pick: number, readonly op: DiffSessionOp, readonly n: number) {
    super()
  }

  override get kind (): string {
    return `session ${this.op}`
  }

  check (m: Readonly<DiffModel>): boolean {
    return m.pickSession(this.pick) !== null && (this.op !== 'child' || m.sessions.length < 16)
  }

  label (m: DiffModel): string {
    const id = m.pickSession(this.pick) ?? -1
    const core = m.sessions[id]?.core ?? '?'
    switch (this.op) {
      case 'append': return `session#${id}.append(${this.n + 1} block(s))  -> ${core}`
      case 'read': return `session#${id}.get(${this.n}, { wait: false })  -> ${core}`
      case 'close': return `session#${id}.close()`
      case 'child': return `session#${m.sessions.length} = session#${id}.session()`
    }
  }

  async act (m: DiffModel, w: DiffWorld): Promise<void> {
    const id = m.pickSession(this.pick) ?? -1
    await w.both(this.label(m), async (side) => {
      const s = side.sessions.get(id)
      if (s === null || s === undefined) throw new Error('no session on this side')
      switch (this.op) {
        case 'append': {
          const blocks = Array.from({ length: this.n + 1 }, (_, i) => `b${s.length + i}`)
          return String((await s.append(blocks)).length)
        }
        case 'read': {
          const block = await s.get(this.n, { wait: false })
          return block === null ? 'null' : block.toString()
        }
        case 'close':
          await s.close()
          return String(s.closed)
        case 'child': {
          const child = s.session()
          side.sessions.set(m.sessions.length, child)
          await child.ready()
          return describeSession(child)
        }
      }
    })
  }

  apply (m: DiffModel): void {
    const id = m.pickSession(this.pick)
    const s = id === null ? undefined : m.sessions[id]
    if (s === undefined) return
    if (this.op === 'close') s.open = false
    if (this.op === 'child') m.openSession(s.store, s.core, s.writable)
  }

  toString (): string {
    return `${this.op}(${this.pick}, ${this.n})`
  }
}
