// node --require build/test/property/mutants/preload.js FILE, with CORESTORE_MUTANT=NAME:
// switches one planted bug on before FILE loads anything, in this process and in every
// process it forks (they inherit the flag and the variable). The mutant runner runs
// test-file killers this way, and `npm run mutants:sim` runs `corestore-sim fuzz`
// (build/src/sim/cli/main.js: the CLI compiled next to the test code, whose modules the
// mutant patches), so the simulator hunts a bug without a line of it in src/.
import { findMutant } from '.'

/** The variable naming the planted bug to switch on. */
export const MUTANT_ENV = 'CORESTORE_MUTANT'

const name = process.env[MUTANT_ENV]
if (name !== undefined && name.length > 0) findMutant(name).apply()
