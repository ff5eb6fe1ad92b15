import fs from 'fs'
import path from 'path'

interface CallFrame { functionName: string, url: string, lineNumber: number }
interface ProfileNode { id: number, callFrame: CallFrame, children?: number[] }
interface CpuProfile { nodes: ProfileNode[], samples: number[], timeDeltas: number[] }

/** Time of one function over a whole profile: its own (self) or with its callees (total). */
export interface FunctionTime { name: string, ms: number, share: number }

/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self or total (inclusive)
 * time per function, largest first. Idle and GC pseudo-frames are kept, so a reader sees what share
 * the program itself used.
 */
export function functionTimes (profile: CpuProfile, mode: 'self' | 'total' = 'self'): FunctionTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id)
  }
  const totals = new Map<string, number>()
  let all = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    all += dt
    // Total time counts a function once per sample even when it recurses.
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = mode === 'total' ? parent.get(at) : undefined) {
      const node = byId.get(at)
      if (node === undefined) break
      seen.add(label(node.callFrame))
    }
    for (const key of seen) totals.set(key, (totals.get(key) ?? 0) + dt)
  })
  return [...totals.entries()]
    .map(([name, us]) => ({ name, ms: us / 1000, share: all > 0 ? us / all : 0 }))
    .sort((a, b) => b.ms - a.ms)
}

function label (frame: CallFrame): string {
  const file = frame.url === '' ? '' : ` ${shorten(frame.url)}:${frame.lineNumber + 1}`
  return `${frame.functionName === '' ? '(anonymous)' : frame.functionName}${file}`
}

function shorten (url: string): string {
  const file = url.replace(/^file:\/\//, '')
  const at = file.lastIndexOf('node_modules/')
  return at >= 0 ? file.slice(at + 'node_modules/'.length) : path.relative(process.cwd(), file)
}

// Usage: node build/bench/profile.js <file.cpuprofile> [top=25] [--total] [--grep text]
if (require.main === module) {
  const args = process.argv.slice(2)
  const flag = (name: string): string | undefined => {
    const at = args.indexOf(name)
    return at === -1 ? undefined : args.splice(at, name === '--total' ? 1 : 2)[1]
  }
  const total = args.includes('--total')
  if (total) flag('--total')
  const grep = flag('--grep')
  const [file, top = '25'] = args
  if (file === undefined) {
    console.error('usage: node build/bench/profile.js <file.cpuprofile> [top] [--total] [--grep text]')
    process.exit(1)
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile
  const rows = functionTimes(profile, total ? 'total' : 'self').filter((r) => grep === undefined || r.name.includes(grep))
  for (const { name, ms, share } of rows.slice(0, Number(top))) {
    console.log(`${ms.toFixed(1).padStart(9)} ms ${(share * 100).toFixed(1).padStart(5)}%  ${name}`)
  }
}
