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
 * Entries to send now: for each recipient only the oldest pending one, so that a person gets their
 * notifications in the order the changes happened, and only when its back-off has passed.
 */
export function dueEntries(state: Readonly<BotState>, now: number): OutboxEntry[] {
  return heads(state).filter((e) => notBefore(e) <= now).sort((a, b) => (isOlder(a, b) ? -1 : 1));
}

/** When the next entry becomes due; undefined when nothing is pending. */
export function nextDueAt(state: Readonly<BotState>): number | undefined {
  const times = heads(state).map(notBefore);
  return times.length === 0 ? undefined : Math.min(...times);
}

/** The oldest pending entry of each recipient: the only one that may go next. */
function heads(state: Readonly<BotState>): OutboxEntry[] {
  const oldest = new Map<string, OutboxEntry>();
  for (const entry of Object.values(state.outbox)) {
    if (entry.status !== 'pending') continue;
    const head = oldest.get(entry.recipientId);
    if (!head || isOlder(entry, head)) oldest.set(entry.recipientId, entry);
  }
  return [...oldest.values()];
}

export function pendingCount(state: Readonly<BotState>): number {
  return Object.values(state.outbox).filter((e) => e.status === 'pending').length;
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
  const finished = Object.values(state.outbox)
    .filter((e) => e.status !== 'pending')
    .sort((a, b) => Date.parse(b.finishedAt ?? b.createdAt) - Date.parse(a.finishedAt ?? a.createdAt));
  return finished.filter((e, index) => index >= keep || now - Date.parse(e.finishedAt ?? e.createdAt) > retentionMs);
}

function notBefore(entry: OutboxEntry): number {
  return entry.notBefore ? Date.parse(entry.notBefore) : 0;
}

function isOlder(a: OutboxEntry, b: OutboxEntry): boolean {
  const byEvent = Date.parse(a.event.at) - Date.parse(b.event.at);
  if (byEvent !== 0) return byEvent < 0;
  const byCreation = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  return byCreation !== 0 ? byCreation < 0 : a.key < b.key;
}
