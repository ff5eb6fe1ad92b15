import { FindingPeers } from '../../../src/store/finding-peers'
import { patch, type Mutant } from './mutant'

/** Sessions opened after findingPeers() do not wait for peers (finding 6 of issue 15). */
export const findingPeersSkipsLateSessions: Mutant = {
  name: 'finding-peers-skips-late-sessions',
  summary: 'findingPeers() holds the sessions already open, not those opened while it is held',
  killers: { tests: ['store/api.test.js'] },
  apply: () => patch(FindingPeers.prototype, 'add', () => function () {})
}
