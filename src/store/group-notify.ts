import { EventEmitter } from 'events'
import { Readable } from 'streamx'
import type { CorestoreStorage } from './types'

/** Where a handle unregisters itself; implemented by the store. */
export interface GroupNotifyOwner {
  readonly storage: CorestoreStorage
  removeGroupNotify (handle: GroupNotifyHandle): void
}

/**
 * A subscription to the updates of every core in one group (experimental upstream
 * API). Emits `update` when a core of the group changes.
 */
export class GroupNotifyHandle extends EventEmitter {
  /** Position in the owner's list, -1 once destroyed. */
  index = -1
  /** The group topic. */
  readonly topic: Buffer
  private readonly owner: GroupNotifyOwner

  constructor (owner: GroupNotifyOwner, topic: Buffer) {
    super()
    this.owner = owner
    this.topic = topic
  }

  /** A stream of the keys of cores updated in this group, newest first by default. */
  updates (opts?: { since?: number, reverse?: boolean }): Readable {
    return Readable.from(this.iterate(opts))
  }

  private async * iterate (opts?: { since?: number, reverse?: boolean }): AsyncGenerator<unknown> {
    const group = await this.owner.storage.getGroup(this.topic).catch(() => null)
    if (group === null || group === undefined) return
    yield * this.owner.storage.createGroupUpdateStream(group, opts) as AsyncIterable<unknown>
  }

  /** Unregisters the handle; it emits nothing afterwards. */
  destroy (): void {
    this.owner.removeGroupNotify(this)
  }
}

/**
 * The group handles of a root store and its sessions, by topic (hex). Removal swaps
 * the last handle into the hole, so destroy() is O(1).
 */
export class GroupNotifiers {
  private readonly byTopic = new Map<string, GroupNotifyHandle[]>()

  add (handle: GroupNotifyHandle): void {
    const hex = handle.topic.toString('hex')
    let handles = this.byTopic.get(hex)
    if (handles === undefined) {
      handles = []
      this.byTopic.set(hex, handles)
    }
    handle.index = handles.push(handle) - 1
  }

  remove (handle: GroupNotifyHandle): void {
    if (handle.index === -1) return
    const hex = handle.topic.toString('hex')
    const handles = this.byTopic.get(hex)
    if (handles === undefined) return
    const last = handles.pop()
    if (last !== undefined && last !== handle) handles[(last.index = handle.index)] = last
    if (handles.length === 0) this.byTopic.delete(hex)
    handle.index = -1
  }

  /** Emits `update` on every handle of the topic. */
  notify (topic: Buffer, update: unknown): void {
    for (const handle of this.byTopic.get(topic.toString('hex')) ?? []) handle.emit('update', update)
  }
}
