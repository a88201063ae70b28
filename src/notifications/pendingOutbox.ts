import type { OutboxEntry } from '../domain/model';
import { dueAt } from './outbox';

/**
 * The dispatcher's index of the pending outbox: for each person, their pending entries, oldest first,
 * held in memory. A pass then costs what the people waiting cost, not what the whole outbox holds
 * (finished entries included), and needs no read of the store: with thousands of entries pending,
 * scanning and sorting all of them on every pass was most of a busy bot's CPU.
 *
 * It follows the store without reading it again: built from the store's pending entries, added to
 * with the entries just queued, and told the result of every write the dispatcher makes (`settle`).
 * That holds because, once queued, a pending entry is changed by delivery alone.
 *
 * The heads (each person's oldest entry) are kept in age order as they change, and each entry's due
 * time is worked out once, when it is indexed or changed: a pass during a fan-out, 50 a second, then
 * walks the heads without sorting them or parsing a date.
 */
export class PendingOutbox {
  private readonly byRecipient = new Map<string, string[]>();
  private readonly entries = new Map<string, OutboxEntry>();
  /** Each indexed key's age as numbers (time of the change, then of queuing), parsed once. */
  private readonly ages = new Map<string, readonly [number, number]>();
  /** Each indexed key's due time (see dueAt). */
  private readonly due = new Map<string, number>();
  /** The keys of the heads, oldest first. */
  private readonly headKeys: string[] = [];
  /**
   * No head is due before this: a lower bound, made exact by each pass over the heads and lowered by
   * every entry added or changed since. Unknown (minus infinity) until the first pass.
   */
  private dueFloor = Number.NEGATIVE_INFINITY;

  /** @param holdMs how long an entry not tried yet waits after it was queued (see dueAt). */
  private constructor(private readonly holdMs: number) {}

  /** The index of these entries, in whatever order they come; those not pending are left out. */
  static of(entries: Iterable<OutboxEntry>, holdMs = 0): PendingOutbox {
    const index = new PendingOutbox(holdMs);
    for (const entry of entries) {
      if (entry.status !== 'pending' || index.entries.has(entry.key)) continue;
      index.track(entry);
      const queue = index.byRecipient.get(entry.recipientId);
      if (queue) queue.push(entry.key);
      else index.byRecipient.set(entry.recipientId, [entry.key]);
    }
    for (const queue of index.byRecipient.values()) {
      queue.sort((a, b) => index.compare(a, b));
      index.headKeys.push(queue[0] ?? '');
    }
    index.headKeys.sort((a, b) => index.compare(a, b));
    return index;
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * Before this time no pending entry can be due, so a pass would start nothing: while changes are
   * queued by the hundred a second, each waking delivery, a pass over every person waiting on each
   * wake-up was most of a busy bot's own CPU and its longest stalls. Infinity when nothing is pending.
   */
  nothingDueBefore(): number {
    // With nothing pending the bound is exact: whatever is added next sets it.
    if (this.entries.size === 0) this.dueFloor = Number.POSITIVE_INFINITY;
    return this.dueFloor;
  }

  /**
   * The heads due at `now`, and when the first head is or becomes due (undefined when
   * nothing is pending), which also makes `nothingDueBefore` exact. Retries go before first attempts,
   * each oldest first: a retry has already waited out its Retry-After or back-off, and given the next
   * free place in the rate it goes out while first attempts still fill the others, instead of after
   * all of them, when it would be sent alone with the rate's places left empty.
   */
  dueHeads(now: number): { readonly due: OutboxEntry[]; readonly firstDueAt: number | undefined } {
    const retries: OutboxEntry[] = [];
    const firstAttempts: OutboxEntry[] = [];
    let first = Number.POSITIVE_INFINITY;
    for (const key of this.headKeys) {
      const at = this.due.get(key) ?? 0;
      if (at < first) first = at;
      const entry = at <= now ? this.entries.get(key) : undefined;
      if (entry) (entry.attempts > 0 ? retries : firstAttempts).push(entry);
    }
    this.dueFloor = first;
    const due = retries.length === 0 ? firstAttempts : [...retries, ...firstAttempts];
    return { due, firstDueAt: Number.isFinite(first) ? first : undefined };
  }

  /**
   * The oldest pending entry of each person: the only one that may go next, so that each person gets
   * their notifications in the order the changes happened. Oldest first.
   */
  heads(): OutboxEntry[] {
    return this.headKeys.flatMap((key) => this.entries.get(key) ?? []);
  }

  /**
   * Adds entries just queued, as read from the store (undefined for a key it did not find). Keys
   * already indexed are skipped (the index's own copy is the newer), and so are entries not pending.
   */
  add(entries: readonly (OutboxEntry | undefined)[]): void {
    for (const entry of entries) {
      if (!entry || entry.status !== 'pending' || this.entries.has(entry.key)) continue;
      this.track(entry);
      const queue = this.byRecipient.get(entry.recipientId);
      if (!queue) {
        this.byRecipient.set(entry.recipientId, [entry.key]);
        this.insertHead(entry.key);
        continue;
      }
      // Almost always the newest: look from the end for its place.
      let at = queue.length;
      while (at > 0 && this.compare(entry.key, queue[at - 1] ?? '') < 0) at--;
      if (at === 0) this.removeHead(queue[0] ?? '');
      queue.splice(at, 0, entry.key);
      if (at === 0) this.insertHead(entry.key);
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
      this.setDue(stored);
      return;
    }
    const queue = this.byRecipient.get(indexed.recipientId);
    // Almost always the head: the dispatcher sends nothing else.
    const at = queue ? queue.indexOf(key) : -1;
    if (queue && at >= 0) {
      if (at === 0) this.removeHead(key);
      queue.splice(at, 1);
      if (queue.length === 0) this.byRecipient.delete(indexed.recipientId);
      else if (at === 0) this.insertHead(queue[0] ?? '');
    }
    this.entries.delete(key);
    this.ages.delete(key);
    this.due.delete(key);
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

  private track(entry: OutboxEntry): void {
    this.entries.set(entry.key, entry);
    this.ages.set(entry.key, ageOf(entry));
    this.setDue(entry);
  }

  private setDue(entry: OutboxEntry): void {
    const at = dueAt(entry, this.holdMs);
    this.due.set(entry.key, at);
    if (at < this.dueFloor) this.dueFloor = at;
  }

  private insertHead(key: string): void {
    this.headKeys.splice(this.headPosition(key), 0, key);
    // A new head may be due before anything known.
    const at = this.due.get(key);
    if (at !== undefined && at < this.dueFloor) this.dueFloor = at;
  }

  private removeHead(key: string): void {
    const at = this.headPosition(key);
    if (this.headKeys[at] === key) this.headKeys.splice(at, 1);
  }

  /** Where `key` is, or belongs, among the heads: the first position not older than it. */
  private headPosition(key: string): number {
    let low = 0;
    let high = this.headKeys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(this.headKeys[middle] ?? '', key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Oldest first: by the time of the change, then of queuing, then by key. On ages parsed once: parsing dates in each comparison was most of a sort's cost. */
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
