// The simulator parts the entropy tests reach directly (not all are exported from the package).
export { CryptoRandomRoute, VirtualClock } from '../../src/sim'
export { ImmediateTracker as ImmediateTrackerForTest } from '../../src/sim/clock/immediate-tracker'
