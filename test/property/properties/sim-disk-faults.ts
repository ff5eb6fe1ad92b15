import { defineProperty } from '../harness/property'
import { appendCloseFirst } from '../model/sim-steps'
import { countStepResults, requireNoViolations, runSim, simScenario, simSetup, simStepLines, type SimScenario, type SimShape } from './sim-scenario'

/**
 * Disk faults on our store: owners append (some closing their session before the
 * write lands) while disks are slow and stall for seconds, fail writes (EIO, a full
 * disk: the database then refuses writes until the peer restarts) and fail reads; GC
 * runs every 200 ms, so it acts while flushes are pending. The simulator's invariants
 * must all hold: acknowledged appends survive the fault, the recovery restart and
 * crashes; a failed append carries the disk's code and is not half there; sessions and
 * GC stay consistent; nothing is thrown unhandled; every peer closes cleanly; and every
 * copy converges after the heal.
 */
export const SIM_DISK_SHAPE: SimShape = {
  weights: {
    append: 6, get: 3, 'open-session': 2, 'close-session': 2, download: 1, advance: 4,
    restart: 2, crash: 1, 'disk-error': 2, 'disk-full': 2, 'read-error': 2
  },
  extra: [{ weight: 4, arbitrary: appendCloseFirst }],
  maxSteps: 20,
  gcIntervalMs: 200,
  gcStrikes: 2,
  gcRace: 0.5,
  convergeTimeoutMs: 120_000,
  disks: { readLatencyMs: 1, writeLatencyMs: 4, jitterMs: 10, stallProbability: 0.05, stallMsMax: 3000 }
}

export const simDiskFaults = defineProperty<SimScenario>({
  name: 'sim-disk-faults',
  summary: 'on slow, failing simulated disks, nothing acknowledged is lost, failed appends carry the disk\'s code and are not half there, and every peer closes cleanly',
  ciRuns: 30,
  scenarioTimeoutMs: 60_000,
  arbitrary: () => simScenario(SIM_DISK_SHAPE),
  run: async (s, steps) => {
    const r = await runSim(s, SIM_DISK_SHAPE)
    requireNoViolations(r)
    countStepResults(r, steps)
  },
  describe: simStepLines,
  setup: (s) => simSetup(s, SIM_DISK_SHAPE)
})
