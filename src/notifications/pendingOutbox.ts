import type { OutboxEntry } from '../domain/model';

/**
 * The dispatcher's index of the pending outbox: for each person, their pending entries, oldest first,
 * held in memory. A pass then costs what the people waiting cost, not what the whole outbox holds
 * (finished entries included), and needs no read of the store: with thousands of entries pending,
 * scanning and sorting all of them on every pass was most of a busy bot's CPU.
 *
 * It follows the store without reading it again: built from the store's pending entries, added to
 * with the entries just queued, and told the result of every write the dispatcher makes (`settle`).
 * That holds because, once queued, a pending entry is changed by delivery alone.
 */
export class PendingOutbox {
  private readonly byRecipient = new Map<string, string[]>();
  private readonly entries = new Map<string, OutboxEntry>();
  /** Each indexed key's age as numbers (time of the change, then of queuing), parsed once. */
  private readonly ages = new Map<string, readonly [number, number]>();

  /** The index of these entries, in whatever order they come; those not pending are left out. */
  static of(entries: Iterable<OutboxEntry>): PendingOutbox {
    const index = new PendingOutbox();
    for (const entry of entries) if (entry.status === 'pending' && !index.entries.has(entry.key)) index.append(entry);
    for (const queue of index.byRecipient.values()) queue.sort((a, b) => index.compare(a, b));
    return index;
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * Adds entries just queued, as read from the store (undefined for a key it did not find). Keys
   * already indexed are skipped (the index's own copy is the newer), and so are entries not pending.
   */
  add(entries: readonly (OutboxEntry | undefined)[]): void {
    for (const entry of entries) {
      if (!entry || entry.status !== 'pending' || this.entries.has(entry.key)) continue;
      const queue = this.byRecipient.get(entry.recipientId);
      if (!queue) {
        this.append(entry);
        continue;
      }
      this.entries.set(entry.key, entry);
      this.ages.set(entry.key, ageOf(entry));
      // Almost always the newest: look from the end for its place.
      let at = queue.length;
      while (at > 0 && this.compare(entry.key, queue[at - 1] ?? '') < 0) at--;
      queue.splice(at, 0, entry.key);
    }
  }

  /**
   * What the store holds under `key` after a write of the dispatcher's: an entry still pending
   * replaces the indexed one (its attempts and back-off changed); one finished, or gone (undefined),
   * leaves the index.
   */
  settle(key: string, stored: OutboxEntry | undefined): void {
    const indexed = this.entries.get(key);
    if (!indexed) return;
    if (stored?.status === 'pending' && stored.recipientId === indexed.recipientId) {
      this.entries.set(key, stored);
      return;
    }
    this.entries.delete(key);
    this.ages.delete(key);
    const queue = this.byRecipient.get(indexed.recipientId);
    if (!queue) return;
    // Almost always the head: the dispatcher sends nothing else.
    const at = queue.indexOf(key);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0) this.byRecipient.delete(indexed.recipientId);
  }

  /**
   * The oldest pending entry of each person: the only one that may go next, so that each person gets
   * their notifications in the order the changes happened. Oldest first.
   */
  heads(): OutboxEntry[] {
    const heads: OutboxEntry[] = [];
    for (const queue of this.byRecipient.values()) {
      const head = this.entries.get(queue[0] ?? '');
      if (head) heads.push(head);
    }
    return heads.sort((a, b) => this.compare(a.key, b.key));
  }

  /**
   * The entries told with `head` in one message: `head` first, then at most `most - 1` of the
   * person's other pending entries that `together` accepts, in order.
   */
  batchFor(head: OutboxEntry, together: (entry: OutboxEntry) => boolean, most: number): OutboxEntry[] {
    const batch = [head];
    for (const key of this.byRecipient.get(head.recipientId) ?? []) {
      if (batch.length >= most) break;
      const entry = this.entries.get(key);
      if (entry && key !== head.key && together(entry)) batch.push(entry);
    }
    return batch;
  }

  private append(entry: OutboxEntry): void {
    let queue = this.byRecipient.get(entry.recipientId);
    if (!queue) this.byRecipient.set(entry.recipientId, (queue = []));
    queue.push(entry.key);
    this.entries.set(entry.key, entry);
    this.ages.set(entry.key, ageOf(entry));
  }

  /** Oldest first: by the time of the change, then of queuing, then by key. On ages parsed once: a pass sorts thousands of heads, and parsing dates in each comparison was most of its cost. */
  private compare(a: string, b: string): number {
    const [aEvent, aCreated] = this.ages.get(a) ?? [0, 0];
    const [bEvent, bCreated] = this.ages.get(b) ?? [0, 0];
    if (aEvent !== bEvent) return aEvent - bEvent;
    if (aCreated !== bCreated) return aCreated - bCreated;
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

function ageOf(entry: OutboxEntry): readonly [number, number] {
  return [Date.parse(entry.event.at), Date.parse(entry.createdAt)];
}
