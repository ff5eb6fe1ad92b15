// node --require build/test/property/mutants/preload.js build/src/sim/cli/main.js fuzz ...
// with CORESTORE_SIM_MUTANT=NAME: switches one planted bug on in this process and in
// every simulation process it forks (they inherit the flag and the variable), so the
// simulator hunts it without a line of it in src/. The CLI must be the one compiled
// next to the test code (build/src), the modules the mutant patches.
import { findMutant } from '.'

/** The variable naming the planted bug to switch on. */
export const MUTANT_ENV = 'CORESTORE_SIM_MUTANT'

const name = process.env[MUTANT_ENV]
if (name !== undefined && name.length > 0) findMutant(name).apply()
