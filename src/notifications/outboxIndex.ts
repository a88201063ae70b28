import type { OutboxEntry } from '../domain/model';
import type { Store } from '../domain/ports/store';
import { PendingOutbox } from './pendingOutbox';

/**
 * The dispatcher's view of the pending outbox (a PendingOutbox), kept current without reading the
 * whole outbox on every pass: read whole at start or when told of entries without their keys, then
 * only the entries queued since, and told the result of every write delivery makes.
 */
export class OutboxIndex {
  /** The pending outbox by person; undefined until first read from the store. */
  private index: PendingOutbox | undefined;
  /** Told of new entries without their keys: read the whole pending outbox again before the next pass. */
  private rebuild = true;
  /** Keys of entries queued since the last pass, to read and add before the next. */
  private keysToAdd: string[] = [];
  /** The read under way, if any: one at a time, shared by whoever needs it. */
  private reading: Promise<PendingOutbox> | undefined;
  /**
   * While a read is under way, what delivery's own writes left under each key meanwhile: the read may
   * predate them, and then what it says of those entries is out of date.
   */
  private writtenDuringRead: Map<string, OutboxEntry | undefined> | undefined;

  /** @param holdMs how long an entry not tried yet waits after it was queued (see dueAt). */
  constructor(
    private readonly store: Store,
    private readonly holdMs = 0,
  ) {}

  /** The index as last read; undefined before the first read. */
  get current(): PendingOutbox | undefined {
    return this.index;
  }

  /** Entries with these keys were queued; without keys, some were, and the whole outbox is read again. */
  queued(keys?: readonly string[]): void {
    if (keys) this.keysToAdd.push(...keys);
    else {
      this.rebuild = true;
      // The whole read takes them in.
      this.keysToAdd = [];
    }
  }

  /** Whether the store must be read before the index can be trusted. */
  needsRead(): boolean {
    return this.rebuild || this.index === undefined || this.keysToAdd.length > 0;
  }

  /** Nothing pending, and nothing queued that was not read yet. */
  isEmpty(): boolean {
    return !this.needsRead() && (this.index?.size ?? 0) === 0;
  }

  read(): Promise<PendingOutbox> {
    this.reading ??= this.readIntoIndex().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  /** A delivery record was written: the index follows what the store now holds under `key`. */
  settled(key: string, stored: OutboxEntry | undefined): void {
    this.index?.settle(key, stored);
    this.writtenDuringRead?.set(key, stored);
  }

  /** Reads what the index lacks: the whole pending outbox when asked to rebuild, else the entries just queued. */
  private async readIntoIndex(): Promise<PendingOutbox> {
    const current = this.rebuild ? undefined : this.index;
    const keys = this.keysToAdd.splice(0);
    this.rebuild = false;
    const written = new Map<string, OutboxEntry | undefined>();
    this.writtenDuringRead = written;
    try {
      if (!current) {
        const index = PendingOutbox.of(await this.store.read((tx) => tx.outbox.listPending()), this.holdMs);
        for (const [key, stored] of written) index.settle(key, stored);
        this.index = index;
        return index;
      }
      const entries = await this.store.read((tx) => Promise.all(keys.map((key) => tx.outbox.get(key))));
      // An entry written by delivery meanwhile is known better from its own write (already in the index).
      current.add(entries.filter((entry) => entry !== undefined && !written.has(entry.key)));
      return current;
    } catch (error) {
      // Nothing was lost: the same read is made again before the next pass.
      if (!current) this.rebuild = true;
      else this.keysToAdd.unshift(...keys);
      throw error;
    } finally {
      if (this.writtenDuringRead === written) this.writtenDuringRead = undefined;
    }
  }
}
