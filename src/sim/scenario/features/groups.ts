import type Hypercore = require('hypercore')
import type { Feature } from './feature'
import { apiStore, closeAll, hex } from './feature'
import { unknownKey } from './finding-peers'

/** Handles on the step's topic; they are destroyed in an order drawn from the 6 permutations. */
const HANDLES = 3
const ORDERS = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] as const

interface GroupUpdate { key?: Uint8Array }
interface GroupHandle {
  on (event: 'update', fn: (update: GroupUpdate) => void): unknown
  destroy (): void
}
interface GroupStore {
  notifyGroup (topic: Uint8Array): GroupHandle
  on (event: 'group-active', fn: (topic: Uint8Array, update: GroupUpdate) => void): unknown
  off (event: 'group-active', fn: (topic: Uint8Array, update: GroupUpdate) => void): unknown
}

/**
 * `notifyGroup()` and `group-active`: two new cores of one group (a topic of the step's
 * own) in a namespace; every append to either fires `group-active` once on the store
 * session that opened it, with the topic and that core's key, and `update` once on every
 * live handle of the topic (handles made on the root and on the namespace alike), none
 * on a handle of another topic. Then the topic's handles are destroyed one by one (`arg`
 * draws the order), an append after each: a destroyed handle hears nothing more, the
 * others still hear every append.
 */
export const groupsFeature: Feature = {
  name: 'groups',
  draw (prng, plan) {
    return { kind: 'api', peer: prng.int(0, plan.peers - 1), feature: 'groups', arg: prng.int(0, ORDERS.length - 1) }
  },
  async run (ctx, step) {
    const root = apiStore(ctx)
    const ns = root.namespace('api-groups')
    const topic = unknownKey(ctx, 'groups', 0)
    const other = unknownKey(ctx, 'groups', 1)
    // Handles on the root and on the namespace: store sessions share them.
    const owners = [root, ns, root] as unknown as GroupStore[]
    const handles = owners.map((s) => s.notifyGroup(topic))
    const elsewhere = (ns as unknown as GroupStore).notifyGroup(other)
    const heard = handles.map(() => 0)
    let heardElsewhere = 0
    handles.forEach((h, i) => h.on('update', () => { heard[i] = (heard[i] ?? 0) + 1 }))
    elsewhere.on('update', () => { heardElsewhere++ })
    const active: string[] = []
    const onActive = (t: Uint8Array, u: GroupUpdate): void => { active.push(`${Buffer.from(t).equals(topic) ? 'topic' : hex(t)}:${hex(u.key)}`) }
    ;(ns as unknown as GroupStore).on('group-active', onActive)
    const cores: Hypercore[] = [0, 1].map((k) => ns.get({ name: `g-${ctx.clock.now()}-${k}`, group: topic }))
    const live = new Set(handles.keys())
    try {
      await Promise.all(cores.map((c) => c.ready()))
      const bad: string[] = []
      let appends = 0
      let checks = 1
      // One append to `core`, and what everyone must have heard of it.
      const append = async (c: number, when: string): Promise<void> => {
        const core = cores[c] as Hypercore
        const want = [...active, `topic:${hex(core.key)}`]
        const before = [...heard]
        checks += 1 + heard.length
        await core.append(Buffer.from(`g${appends++}`))
        if (active.join() !== want.join()) bad.push(`${when}, an append to grouped core ${c} fired group-active [${active.slice(want.length - 1).join(', ')}], not once with its topic and key`)
        active.splice(0, active.length, ...want)
        heard.forEach((n, i) => {
          const expected = (before[i] as number) + (live.has(i) ? 1 : 0)
          if (n !== expected) bad.push(`${when}, handle ${i} (${live.has(i) ? 'live' : 'destroyed'}) heard an append ${n - (before[i] as number)} times`)
        })
      }
      await append(0, 'with 3 handles')
      await append(1, 'with 3 handles')
      const order = ORDERS[step.arg % ORDERS.length] as readonly number[]
      for (const i of order) {
        (handles[i] as GroupHandle).destroy()
        live.delete(i)
        await append(i % 2, `handle ${i} destroyed (${HANDLES - live.size} of ${HANDLES})`)
      }
      if (heardElsewhere !== 0) bad.push(`a handle of another topic heard ${heardElsewhere} update(s)`)
      ctx.passed(checks - bad.length)
      for (const detail of bad) ctx.violate(`groups: ${detail}`)
      return { real: true, ok: bad.length === 0 }
    } finally {
      (ns as unknown as GroupStore).off('group-active', onActive)
      for (const h of [...handles, elsewhere]) h.destroy()
      await closeAll([...cores, ns])
    }
  }
}
