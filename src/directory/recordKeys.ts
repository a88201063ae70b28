/**
 * Where each record of the checked copy lies, kept in memory as three numbers per record (a hash of
 * its key, its offset and its length: 12 bytes, where a map of the keys themselves took about ten
 * times that). Entries are sorted by hash; records whose keys share a hash are all candidates, and
 * the reader keeps the one whose stored key is the one asked for.
 */

export interface RecordPlace {
  readonly offset: number;
  readonly length: number;
}

const WORDS = 3;
export const ENTRY_BYTES = WORDS * 4;

/** FNV-1a over the key's UTF-16 code units: fast, and spread well enough for ids. */
export function keyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export class RecordKeys {
  private constructor(private readonly entries: Uint32Array) {}

  /** The entries as stored in the copy: little-endian words, sorted by hash. */
  static encode(places: readonly (RecordPlace & { readonly key: string })[]): Buffer {
    const sorted = places.map((place) => ({ hash: keyHash(place.key), offset: place.offset, length: place.length })).sort((a, b) => a.hash - b.hash);
    const bytes = Buffer.alloc(sorted.length * ENTRY_BYTES);
    sorted.forEach((entry, i) => {
      bytes.writeUInt32LE(entry.hash, i * ENTRY_BYTES);
      bytes.writeUInt32LE(entry.offset, i * ENTRY_BYTES + 4);
      bytes.writeUInt32LE(entry.length, i * ENTRY_BYTES + 8);
    });
    return bytes;
  }

  static decode(bytes: Buffer): RecordKeys {
    const entries = new Uint32Array(bytes.length / 4);
    for (let i = 0; i < entries.length; i++) entries[i] = bytes.readUInt32LE(i * 4);
    return new RecordKeys(entries);
  }

  /** The places of the records whose key has the same hash as `key`; usually one, or none. */
  candidates(key: string): RecordPlace[] {
    const hash = keyHash(key);
    let low = 0;
    let high = this.entries.length / WORDS;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.entries[middle * WORDS] ?? 0) < hash) low = middle + 1;
      else high = middle;
    }
    const places: RecordPlace[] = [];
    for (let i = low; i < this.entries.length / WORDS && this.entries[i * WORDS] === hash; i++) {
      places.push({ offset: this.entries[i * WORDS + 1] ?? 0, length: this.entries[i * WORDS + 2] ?? 0 });
    }
    return places;
  }
}
