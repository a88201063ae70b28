import type { ChangeEvent } from '../store/changeEvent';
import type { DeliveryFailure, OutboxEntry } from '../store/notificationState';
import type { BotState } from '../store/state';

/**
 * The persisted outbox, as plain functions over the state: one entry per recipient and change, keyed
 * by `${event.id}/${recipientId}`, written before anything is sent, updated after every attempt.
 */

export interface Recipient {
  readonly id: string;
  readonly tenantId: string;
  readonly card: OutboxEntry['card'];
}

export function outboxKey(eventId: string, recipientId: string): string {
  return `${eventId}/${recipientId}`;
}

/**
 * Turns a recorded change into outbox entries and clears the record, in one write. An entry whose key
 * exists already is left alone, so the same change can never queue the same person twice.
 */
export function enqueue(state: BotState, event: ChangeEvent, recipients: readonly Recipient[], now: string): string[] {
  delete state.changeEvents[event.id];
  const added: string[] = [];
  for (const recipient of recipients) {
    const key = outboxKey(event.id, recipient.id);
    if (state.outbox[key]) continue;
    state.outbox[key] = { key, recipientId: recipient.id, tenantId: recipient.tenantId, card: recipient.card, event, createdAt: now, status: 'pending', attempts: 0 };
    added.push(key);
  }
  return added;
}

/**
 * Entries to send now: of `heads` (each recipient's oldest pending entry, so that a person gets their
 * notifications in the order the changes happened, oldest first), those whose back-off has passed.
 */
export function dueEntries(heads: readonly OutboxEntry[], now: number): OutboxEntry[] {
  return heads.filter((e) => notBefore(e) <= now);
}

/** When the next of these entries becomes due; undefined when there are none. */
export function nextDueAt(heads: readonly OutboxEntry[]): number | undefined {
  let next: number | undefined;
  for (const entry of heads) next = Math.min(next ?? Number.POSITIVE_INFINITY, notBefore(entry));
  return next;
}

export function markDelivered(state: BotState, key: string, at: string, conversationId: string): void {
  const entry = state.outbox[key];
  if (!entry || entry.status !== 'pending') return;
  entry.status = 'delivered';
  entry.attempts += 1;
  entry.finishedAt = at;
  entry.conversationId = conversationId;
  delete entry.notBefore;
  state.reach[entry.recipientId] = { status: 'delivered', at };
}

export function markFailed(state: BotState, key: string, at: string, failure: DeliveryFailure, lastError: string): void {
  const entry = state.outbox[key];
  if (!entry || entry.status !== 'pending') return;
  entry.status = 'failed';
  entry.attempts += 1;
  entry.finishedAt = at;
  entry.failure = failure;
  entry.lastError = lastError;
  delete entry.notBefore;
  state.reach[entry.recipientId] = { status: 'unreachable', at, failure };
}

export function markRetry(state: BotState, key: string, notBeforeIso: string, lastError: string): void {
  const entry = state.outbox[key];
  if (!entry || entry.status !== 'pending') return;
  entry.attempts += 1;
  entry.notBefore = notBeforeIso;
  entry.lastError = lastError;
}

/**
 * Finished entries that should leave the hot state file: older than `retentionMs`, or beyond the
 * newest `keep` finished ones. Pending entries never leave.
 */
export function finishedToArchive(state: Readonly<BotState>, now: number, retentionMs: number, keep: number): OutboxEntry[] {
  // Each time parsed once, not in every comparison of the sort.
  const finished = Object.values(state.outbox)
    .filter((e) => e.status !== 'pending')
    .map((entry) => ({ entry, at: Date.parse(entry.finishedAt ?? entry.createdAt) }))
    .sort((a, b) => b.at - a.at);
  return finished.filter(({ at }, index) => index >= keep || now - at > retentionMs).map(({ entry }) => entry);
}

function notBefore(entry: OutboxEntry): number {
  return entry.notBefore ? Date.parse(entry.notBefore) : 0;
}

