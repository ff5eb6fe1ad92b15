import type { Core, Muxer, ProtocolStream } from './types'

interface StreamRecord {
  stream: ProtocolStream
  muxer: Muxer
  onclose: () => void
}

/**
 * The live replication streams of a root store, so cores that start downloading
 * attach to all of them. The streams are the caller's, as upstream's are, even those
 * `replicate()` made: closing the store forgets them and never destroys them (code
 * written for upstream destroys its streams after closing the store, then awaits
 * their `close`).
 */
export class StreamTracker {
  private readonly records = new Set<StreamRecord>()

  get size (): number {
    return this.records.size
  }

  /** Tracks a stream until it closes or the store forgets it. */
  add (stream: ProtocolStream, muxer: Muxer): void {
    const record: StreamRecord = { stream, muxer, onclose: () => this.records.delete(record) }
    this.records.add(record)
    stream.once('close', record.onclose)
  }

  /** Attaches a core to every live stream it is not attached to yet. */
  attachAll (core: Core): void {
    for (const { muxer } of this.records) {
      if (!core.replicator.attached(muxer)) core.replicator.attachTo(muxer)
    }
  }

  /**
   * Closes every replication channel of the given cores (hex discovery keys) still on a
   * tracked stream. Closing a core closes the channels of its peers, but not one still
   * opening (hypercore adds the peer once the remote answers): on a stream that outlives
   * the store, such a channel would hold the closed core for as long as the stream lives.
   */
  closeChannels (ids: ReadonlySet<string>): void {
    for (const { muxer } of this.records) {
      for (const channel of [...muxer]) {
        if (channel.closed || channel.protocol !== 'hypercore/alpha' || channel.id === null) continue
        if (ids.has(channel.id.toString('hex'))) channel.close()
      }
    }
  }

  /** Forgets every stream, and its listener, so a stream that outlives the store holds nothing of it. */
  clear (): void {
    for (const record of this.records) record.stream.removeListener('close', record.onclose)
    this.records.clear()
  }
}
