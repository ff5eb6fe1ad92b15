import type { Core, Muxer, ProtocolStream } from './types'

interface StreamRecord {
  stream: ProtocolStream
  muxer: Muxer
  /** Made by the caller (a stream or muxer passed in): the store never destroys it. */
  external: boolean
}

/** The live replication streams of a root store. */
export class StreamTracker {
  private readonly records = new Set<StreamRecord>()

  get size (): number {
    return this.records.size
  }

  /** Tracks a stream until it closes. */
  add (stream: ProtocolStream, muxer: Muxer, external: boolean): void {
    const record: StreamRecord = { stream, muxer, external }
    this.records.add(record)
    stream.once('close', () => this.records.delete(record))
  }

  /** Attaches a core to every live stream it is not attached to yet. */
  attachAll (core: Core): void {
    for (const { muxer } of this.records) {
      if (!core.replicator.attached(muxer)) core.replicator.attachTo(muxer)
    }
  }

  /** Destroys the streams the store made; leaves external ones to their owner. */
  destroy (): void {
    for (const record of [...this.records]) {
      if (!record.external) record.stream.destroy()
    }
  }
}
