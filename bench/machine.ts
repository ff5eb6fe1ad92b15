import os from 'os'

/** The machine a run was measured on, as results.json and the README table report it. */
export interface MachineInfo {
  cpu: string
  cores: number
  totalMemoryBytes: number
  node: string
  platform: string
}

/** Describes this machine. */
export function machineInfo (): MachineInfo {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`
  }
}

/** One line: "AMD EPYC, 2 cores, 23.5 GiB, node v20.20.2, Linux 6.1 x64". */
export function describeMachine (m: MachineInfo): string {
  const gib = (m.totalMemoryBytes / 2 ** 30).toFixed(1)
  return `${m.cpu}, ${m.cores} cores, ${gib} GiB, node ${m.node}, ${m.platform}`
}
