import type { OutboxEntry } from '../store/notificationState';
import { entryOf } from '../store/records';
import type { BotState } from '../store/state';

/**
 * The dispatcher's index of the pending outbox: for each person, the keys of their pending entries,
 * oldest first. A pass then costs what the people waiting cost, not what the whole outbox holds
 * (finished entries included): with thousands of entries pending, scanning and sorting all of them on
 * every pass was most of a busy bot's CPU.
 *
 * The state stays the truth: every entry is read fresh from it, and an entry no longer pending there
 * (or gone) is dropped from the index. New entries are added by key when the notifier says so; when it
 * cannot say which, the index is built again from the state.
 */
export class PendingOutbox {
  private readonly byRecipient = new Map<string, string[]>();
  /** Each indexed key's age as numbers (time of the change, then of queuing), parsed once. */
  private readonly ages = new Map<string, readonly [number, number]>();
  private pending = 0;

  static from(state: Readonly<BotState>): PendingOutbox {
    const index = new PendingOutbox();
    for (const entry of Object.values(state.outbox)) if (entry.status === 'pending') index.append(entry);
    for (const queue of index.byRecipient.values()) queue.sort((a, b) => index.compare(a, b));
    return index;
  }

  get size(): number {
    return this.pending;
  }

  /** Adds entries the notifier has just queued; keys already indexed, or not pending, are skipped. */
  add(state: Readonly<BotState>, keys: readonly string[]): void {
    for (const key of keys) {
      const entry = entryOf(state.outbox, key);
      if (!entry || entry.status !== 'pending') continue;
      const queue = this.byRecipient.get(entry.recipientId);
      if (queue?.includes(key)) continue;
      if (!queue) {
        this.append(entry);
        continue;
      }
      this.ages.set(key, ageOf(entry));
      // Almost always the newest: look from the end for its place.
      let at = queue.length;
      while (at > 0 && this.compare(key, queue[at - 1] ?? '') < 0) at--;
      queue.splice(at, 0, key);
      this.pending++;
    }
  }

  /**
   * The oldest pending entry of each person, read from the state: the only one that may go next, so
   * that each person gets their notifications in the order the changes happened. Oldest first.
   */
  heads(state: Readonly<BotState>): OutboxEntry[] {
    return this.unorderedHeads(state).sort((a, b) => this.compare(a.key, b.key));
  }

  private unorderedHeads(state: Readonly<BotState>): OutboxEntry[] {
    const heads: OutboxEntry[] = [];
    for (const [recipientId, queue] of this.byRecipient) {
      let head: OutboxEntry | undefined;
      while (queue.length > 0 && !head) {
        const entry = entryOf(state.outbox, queue[0] ?? '');
        if (entry?.status === 'pending') head = entry;
        else {
          this.ages.delete(queue.shift() ?? '');
          this.pending--;
        }
      }
      if (head) heads.push(head);
      else this.byRecipient.delete(recipientId);
    }
    return heads;
  }

  private append(entry: OutboxEntry): void {
    let queue = this.byRecipient.get(entry.recipientId);
    if (!queue) this.byRecipient.set(entry.recipientId, (queue = []));
    queue.push(entry.key);
    this.ages.set(entry.key, ageOf(entry));
    this.pending++;
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
