// node --require build/test/property/mutants/preload.js FILE, with CORESTORE_MUTANT=NAME:
// switches the planted bug on before the test file loads anything, so the file runs
// against the mutated store (the mutant runner uses it for test-file killers).
import { findMutant } from '.'

const name = process.env.CORESTORE_MUTANT
if (name !== undefined && name !== '') findMutant(name).apply()
