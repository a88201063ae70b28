import type { OutboxEntry } from '../store/notificationState';
import { entryOf } from '../store/records';
import type { BotState } from '../store/state';
import { isOlder } from './outbox';

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
  private pending = 0;

  static from(state: Readonly<BotState>): PendingOutbox {
    const index = new PendingOutbox();
    const entries = Object.values(state.outbox).filter((entry) => entry.status === 'pending');
    entries.sort((a, b) => (isOlder(a, b) ? -1 : 1));
    for (const entry of entries) index.append(entry);
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
      // Almost always the newest: look from the end for its place.
      let at = queue.length;
      while (at > 0) {
        const before = entryOf(state.outbox, queue[at - 1] ?? '');
        if (!before || !isOlder(entry, before)) break;
        at--;
      }
      queue.splice(at, 0, key);
      this.pending++;
    }
  }

  /**
   * The oldest pending entry of each person, read from the state: the only one that may go next, so
   * that each person gets their notifications in the order the changes happened.
   */
  heads(state: Readonly<BotState>): OutboxEntry[] {
    const heads: OutboxEntry[] = [];
    for (const [recipientId, queue] of this.byRecipient) {
      let head: OutboxEntry | undefined;
      while (queue.length > 0 && !head) {
        const entry = entryOf(state.outbox, queue[0] ?? '');
        if (entry?.status === 'pending') head = entry;
        else {
          queue.shift();
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
    this.pending++;
  }
}
