import { ModelStep } from '../harness/model-step'
import type { StoreModel } from '../model/store-model'
import type { StoreWorld } from '../model/store-world'

/** `A.replicate(true) <-> B.replicate(false)`: one more pipe to the peer store. */
export class ConnectPeer extends ModelStep<StoreModel, StoreWorld> {
  check (m: Readonly<StoreModel>): boolean {
    return m.links < 2
  }

  label (): string {
    return 'A.replicate(true) <-> B.replicate(false)'
  }

  async act (_m: StoreModel, w: StoreWorld): Promise<void> {
    w.connect()
  }

  apply (m: StoreModel): void {
    m.links++
  }

  toString (): string {
    return 'connect'
  }
}

/** Tears down the oldest open pipe to the peer (both ends). */
export class DisconnectPeer extends ModelStep<StoreModel, StoreWorld> {
  check (m: Readonly<StoreModel>): boolean {
    return m.links > 0
  }

  label (): string {
    return 'disconnect the oldest pipe to B'
  }

  async act (_m: StoreModel, w: StoreWorld): Promise<void> {
    await w.pipes.find((p) => !p.down)?.destroy()
  }

  apply (m: StoreModel): void {
    m.links--
  }

  toString (): string {
    return 'disconnect'
  }
}

/** `B.get({ key })` of a core A has opened: B asks for it over whatever pipes are up. */
export class PeerGet extends ModelStep<StoreModel, StoreWorld> {
  constructor (readonly pick: number) {
    super()
  }

  private target (m: Readonly<StoreModel>): string | null {
    const known = [...m.cores.keys()]
    return known.length === 0 ? null : (known[this.pick % known.length] ?? null)
  }

  check (m: Readonly<StoreModel>): boolean {
    const core = this.target(m)
    return core !== null && !m.peerWants.has(core)
  }

  label (m: StoreModel): string {
    return `B.get({ key: key of ${String(this.target(m))} })`
  }

  async act (m: StoreModel, w: StoreWorld): Promise<void> {
    const core = this.target(m)
    if (core === null || w.peer === null) return
    const session = w.peer.get({ key: w.keysOf(core).key })
    w.peerSessions.push(session)
    await session.ready()
  }

  apply (m: StoreModel): void {
    const core = this.target(m)
    if (core !== null) m.peerWants.add(core)
  }

  toString (): string {
    return `peerGet(${this.pick})`
  }
}

/** `store#S.get({ name })` without waiting for ready(): the session may still be loading at the next step. */
export class GetUnawaited extends ModelStep<StoreModel, StoreWorld> {
  constructor (readonly pick: number, readonly name: string) {
    super()
  }

  check (m: Readonly<StoreModel>): boolean {
    return m.pickStore(this.pick) !== null
  }

  label (m: StoreModel): string {
    const store = m.pickStore(this.pick) ?? 0
    return `store#${store}.get({ name: '${this.name}' }) without awaiting ready()  -> ${m.coreIn(store, this.name)}`
  }

  async act (m: StoreModel, w: StoreWorld): Promise<void> {
    const session = w.store(m.pickStore(this.pick) ?? 0).get({ name: this.name })
    w.trackUnawaited(session)
  }

  apply (): void {}

  toString (): string {
    return `getUnawaited(${this.pick}, ${this.name})`
  }
}
