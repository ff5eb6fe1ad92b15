import { createHash } from 'crypto'

/** A core of a simulation: a name, and the peer that writes it. */
export interface CoreSpec {
  /** Name the owner opens it by (`store.get({ name })`). */
  name: string
  /** Index of the peer that created it and alone can append. */
  owner: number
}

/** A core once created: its spec, index and keys. */
export interface CatalogEntry extends CoreSpec {
  index: number
  key: Buffer
  discoveryKey: Buffer
  /** Hex discovery key: the id stores track cores by. */
  id: string
}

/** The cores of a simulation, by index and by id. */
export class CoreCatalog {
  readonly entries: CatalogEntry[] = []
  private readonly ids = new Map<string, number>()

  /** Number of cores. */
  get size (): number {
    return this.entries.length
  }

  /** Registers the next core; returns its entry. */
  add (spec: CoreSpec, key: Buffer, discoveryKey: Buffer): CatalogEntry {
    const entry: CatalogEntry = { ...spec, index: this.entries.length, key, discoveryKey, id: discoveryKey.toString('hex') }
    this.entries.push(entry)
    this.ids.set(entry.id, entry.index)
    return entry
  }

  /** The entry of core `index`; throws a RangeError if there is none. */
  get (index: number): CatalogEntry {
    const entry = this.entries[index]
    if (entry === undefined) throw new RangeError(`no core ${index}`)
    return entry
  }

  /** The index of the core with this hex discovery key, or -1. */
  indexOf (id: string): number {
    return this.ids.get(id) ?? -1
  }
}

/**
 * The content of block `index` of the core named `name`: 64 to 2048 bytes derived
 * from the two, so any peer can check a block it reads without a record of writes.
 */
export function blockContent (name: string, index: number): Buffer {
  const seed = createHash('sha256').update(`${name}/${index}`).digest()
  const size = 64 * (1 + ((seed[0] as number) % 32))
  const out = Buffer.allocUnsafe(size)
  for (let off = 0; off < size; off += seed.length) seed.copy(out, off)
  return out
}
