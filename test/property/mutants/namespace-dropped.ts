import * as keyDerivation from '../../../src/store/key-derivation'
import { patch, type Mutant } from './mutant'

/** Named cores are derived without their namespace: `ns.get({ name })` is `root.get({ name })`. */
export const namespaceDropped: Mutant = {
  name: 'namespace-dropped',
  summary: 'deriveKeyPair ignores the namespace (every namespace shares the root\'s names)',
  apply: () => patch(keyDerivation, 'deriveKeyPair', (original) => (primaryKey, _namespace, name) =>
    original(primaryKey, keyDerivation.DEFAULT_NAMESPACE, name))
}
