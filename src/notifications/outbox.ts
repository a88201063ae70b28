import type { DeliveryFailure, OutboxEntry } from '../domain/model';
import type { Transaction } from '../domain/ports/store';

/**
 * What delivery does with the persisted outbox: which entries may go now, and the record of each
 * attempt, written through the store's repositories. An entry is queued by the transaction that makes
 * the change (see src/domain/notifications.ts); from then on only delivery changes it.
 */

/** The repositories an attempt's record touches. */
export type DeliveryRecords = Pick<Transaction, 'outbox' | 'reach'>;

/**
 * When an entry may go: after its back-off; and one not tried yet only `holdMs` after it was queued,
 * so that the person's other changes to the same organization made meanwhile go out with it as one
 * message.
 */
export function dueAt(entry: OutboxEntry, holdMs: number): number {
  const held = entry.attempts === 0 ? Date.parse(entry.createdAt) + holdMs : 0;
  return Math.max(notBefore(entry), held);
}

/** Whether `entry` is told together with `head`: the same person, the same organization, queued within `windowMs` of it. */
export function toldTogether(head: OutboxEntry, entry: OutboxEntry, windowMs: number): boolean {
  return (
    entry.recipientId === head.recipientId &&
    entry.event.organization.id === head.event.organization.id &&
    Date.parse(entry.createdAt) - Date.parse(head.createdAt) <= windowMs
  );
}

/*
 * Each record below changes an entry only while it is pending, and returns the entry as the store
 * holds it afterwards (undefined when it is gone), so that the dispatcher's index follows the store
 * without reading it again.
 */

export async function markDelivered(tx: DeliveryRecords, key: string, at: string, conversationId: string): Promise<OutboxEntry | undefined> {
  const entry = await tx.outbox.get(key);
  if (!entry || entry.status !== 'pending') return entry;
  const delivered: OutboxEntry = { ...withoutBackOff(entry), status: 'delivered', attempts: entry.attempts + 1, finishedAt: at, conversationId };
  await tx.outbox.put(delivered);
  await tx.reach.put(entry.recipientId, { status: 'delivered', at });
  return delivered;
}

export async function markFailed(tx: DeliveryRecords, key: string, at: string, failure: DeliveryFailure, lastError: string): Promise<OutboxEntry | undefined> {
  const entry = await tx.outbox.get(key);
  if (!entry || entry.status !== 'pending') return entry;
  const failed: OutboxEntry = { ...withoutBackOff(entry), status: 'failed', attempts: entry.attempts + 1, finishedAt: at, failure, lastError };
  await tx.outbox.put(failed);
  await tx.reach.put(entry.recipientId, { status: 'unreachable', at, failure });
  return failed;
}

export async function markRetry(tx: DeliveryRecords, key: string, notBeforeIso: string, lastError: string): Promise<OutboxEntry | undefined> {
  const entry = await tx.outbox.get(key);
  if (!entry || entry.status !== 'pending') return entry;
  const retrying: OutboxEntry = { ...entry, attempts: entry.attempts + 1, notBefore: notBeforeIso, lastError };
  await tx.outbox.put(retrying);
  return retrying;
}

/**
 * Of the finished entries, those that should leave the hot state file: older than `retentionMs`, or
 * beyond the newest `keep` finished ones. Pending entries never leave.
 */
export function finishedToArchive(finished: readonly OutboxEntry[], now: number, retentionMs: number, keep: number): OutboxEntry[] {
  // Each time parsed once, not in every comparison of the sort.
  const byAge = finished
    .filter((e) => e.status !== 'pending')
    .map((entry) => ({ entry, at: Date.parse(entry.finishedAt ?? entry.createdAt) }))
    .sort((a, b) => b.at - a.at);
  return byAge.filter(({ at }, index) => index >= keep || now - at > retentionMs).map(({ entry }) => entry);
}

/** Removes archived entries from the outbox; pending entries never leave, whatever the list says. */
export async function removeArchived(tx: Pick<Transaction, 'outbox'>, archived: readonly OutboxEntry[]): Promise<void> {
  for (const entry of archived) {
    const current = await tx.outbox.get(entry.key);
    if (current && current.status !== 'pending') await tx.outbox.delete(entry.key);
  }
}

function withoutBackOff(entry: OutboxEntry): OutboxEntry {
  const copy = { ...entry };
  delete copy.notBefore;
  return copy;
}

function notBefore(entry: OutboxEntry): number {
  return entry.notBefore ? Date.parse(entry.notBefore) : 0;
}
