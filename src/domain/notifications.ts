import type { ChangeEvent } from './changeEvent';
import type { OutboxEntry } from './model';

/**
 * The outbox as the model sees it: one entry per recipient and change, keyed by
 * `${event.id}/${recipient id}`, written in the same transaction as the change, before anything is sent.
 */

export interface Recipient {
  readonly id: string;
  readonly tenantId: string;
  readonly card: OutboxEntry['card'];
}

export function outboxKey(eventId: string, recipientId: string): string {
  return `${eventId}/${recipientId}`;
}

/** The pending entries that tell each recipient about `event`. */
export function outboxEntriesFor(event: ChangeEvent, recipients: readonly Recipient[], now: string): OutboxEntry[] {
  return recipients.map((recipient) => ({
    key: outboxKey(event.id, recipient.id),
    recipientId: recipient.id,
    tenantId: recipient.tenantId,
    card: recipient.card,
    event,
    createdAt: now,
    status: 'pending',
    attempts: 0,
  }));
}
