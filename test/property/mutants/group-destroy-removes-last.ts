import { GroupNotifiers, type GroupNotifyHandle } from '../../../src/store/group-notify'
import { patch, type Mutant } from './mutant'

interface NotifiersInternals {
  byTopic: Map<string, GroupNotifyHandle[]>
  remove (handle: GroupNotifyHandle): void
}

/**
 * Destroying a handle unregisters the last handle of its topic instead of itself (the
 * swap-remove forgets to swap): with two handles on a topic, the wrong one goes deaf
 * (finding 6 of issue 15).
 */
export const groupDestroyRemovesLast: Mutant = {
  name: 'group-destroy-removes-last',
  summary: 'destroy() of a group handle unregisters the last handle on its topic, not itself',
  killers: { tests: ['store/groups.test.js'] },
  apply: () => patch(GroupNotifiers.prototype as unknown as NotifiersInternals, 'remove', () => function (this: NotifiersInternals, handle: GroupNotifyHandle) {
    if (handle.index === -1) return
    const hex = handle.topic.toString('hex')
    const handles = this.byTopic.get(hex)
    if (handles === undefined) return
    const last = handles.pop()
    if (last !== undefined) last.index = -1
    if (handles.length === 0) this.byTopic.delete(hex)
    handle.index = -1
  })
}
