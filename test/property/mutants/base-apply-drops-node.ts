import { autobaseHooks } from '../../../src/sim'
import { patch, type Mutant } from './mutant'

/** The app's bug, not the store's: autobase's apply skips every writer's second node. */
export const baseApplyDropsNode: Mutant = {
  name: 'base-apply-drops-node',
  summary: "workload autobase: apply drops each writer's node 1 instead of appending it to the view",
  apply: () => patch(autobaseHooks, 'apply', (original) => (nodes, view, host) =>
    original(nodes.filter(({ value }) => (value as { i?: number }).i !== 1), view, host))
}
