/**
 * The persisted state: what the bot itself records. The directory says who is who; this says what the
 * bot did and what is in progress. Bump STATE_SCHEMA_VERSION on any incompatible change.
 */

import { emptyNotificationState, type NotificationState } from './notificationState';
import type { AuditEntry, BillingLink, Flow, OrganizationQuantities, PurchaseFlow, StoredConversationReference } from '../domain/model';

/**
 * Still 1: the keys added since (quantities, purchases, and those of NotificationState) are optional
 * in a file and read as empty.
 */
export const STATE_SCHEMA_VERSION = 1;

export interface BotState extends NotificationState {
  schemaVersion: number;
  links: Record<string, BillingLink>;
  flows: Record<string, Flow>;
  conversations: Record<string, StoredConversationReference>;
  audit: AuditEntry[];
  /** Paid quantities by organization id; an organization without an entry is on the free tier. */
  quantities: Record<string, OrganizationQuantities>;
  purchases: Record<string, PurchaseFlow>;
}

/**
 * How a top-level collection of the state is kept. `keyed`: a record of entries, each saved on its
 * own when it changes. `append-only`: a list that only grows (history), each item saved once.
 */
export type CollectionKind = 'keyed' | 'append-only';
export type StateLayout = Readonly<Record<string, CollectionKind>>;

/** The kind each key of the state may be declared as: records may be keyed, lists append-only. */
type DeclarableKinds = { readonly [K in keyof BotState]?: BotState[K] extends readonly unknown[] ? 'append-only' : BotState[K] extends Record<string, unknown> ? 'keyed' : never };

/**
 * The collections that grow with the number of organizations, users, flows or events. Each is kept
 * in a journal file of its own beside the state file, so that a change costs a line appended, not a
 * rewrite of everything. Every key not listed stays in the state file, which is rewritten on each
 * change that touches it: that suits small values only, so list here any new collection that can
 * grow (a notification outbox, delivered notifications, managers per organization...).
 */
export const STATE_LAYOUT = {
  links: 'keyed',
  flows: 'keyed',
  conversations: 'keyed',
  audit: 'append-only',
  quantities: 'keyed',
  purchases: 'keyed',
  managers: 'keyed',
  managerFlows: 'keyed',
  accessFlows: 'keyed',
  changeEvents: 'keyed',
  outbox: 'keyed',
  reach: 'keyed',
} as const satisfies DeclarableKinds;

export function emptyState(): BotState {
  return { schemaVersion: STATE_SCHEMA_VERSION, links: {}, flows: {}, conversations: {}, audit: [], quantities: {}, purchases: {}, ...emptyNotificationState() };
}

/**
 * Collections that only some requests need, which a store opened with `readAfterStart` does not read
 * at open: conversation references, which only sending a notification, or saying whether someone can
 * be reached, needs (read whole on first use, after the bot has started serving: at 100,000
 * references they were most of the state); and the audit history, which the bot appends to and
 * reads back only to import a state (read from its journal when asked, never held in memory).
 */
export const READ_AFTER_START: ReadonlySet<string> = new Set(['conversations', 'audit']);
