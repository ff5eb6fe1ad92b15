// One direction of a simulated link: its messages on the wire, and where their writes came from.
import type { ClockTimer } from '../clock/virtual-clock'
import { captureStack } from '../trace/trace'
import type { Duplex } from 'streamx'

/** A replication stream's raw side, with the Noise stream whose writes it carries (hypercore sets it). */
interface WithNoise { noiseStream?: { write: (...args: unknown[]) => unknown } }

/** One direction of a link: a FIFO of messages on the wire. */
export class Direction {
  /** Virtual time until which the direction's bandwidth is taken. */
  busyUntil = 0
  /** Delivery time of the last message sent: none is delivered before it (TCP order). */
  lastAt = 0
  /** Messages held (a stall, a one-way hold, a sleeping end), in send order. */
  readonly held: Buffer[] = []
  /** Messages on the wire, in send order, by their delivery timer. */
  readonly timers = new Map<ClockTimer, Buffer>()
  /** With stacks traced: the stack of the last plaintext write, the cause of the next chunk. */
  lastWrite: string | undefined

  /** `side` 0 is a>b, 1 is b>a. */
  constructor (readonly label: string, readonly side: 0 | 1, readonly from: Duplex, readonly to: Duplex) {}
}

/**
 * Notes the stack of every plaintext write on the direction's Noise stream: the chunk of
 * ciphertext it becomes is emitted later, from a microtask, where the stack says nothing.
 */
export function recordWrites (dir: Direction): void {
  const noise = (dir.from as unknown as WithNoise).noiseStream
  if (noise === undefined) return
  const write = noise.write
  noise.write = function (this: unknown, ...args: unknown[]) {
    dir.lastWrite = captureStack(noise.write as (...a: never[]) => unknown)
    return write.apply(this, args)
  }
}
