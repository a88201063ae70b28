/**
 * The persisted state: what the bot itself records. The directory says who is who; this says what the
 * bot did and what is in progress. Bump STATE_SCHEMA_VERSION on any incompatible change.
 */

import { emptyNotificationState, type NotificationState } from './notificationState';
import type { OrganizationQuantities, PaidQuantities, PurchaseFlow } from './quantitiesState';

/**
 * Still 1: the keys added since (quantities, purchases, and those of NotificationState) are optional
 * in a file and read as empty.
 */
export const STATE_SCHEMA_VERSION = 1;

export type FlowKind = 'setup' | 'change' | 'remove';
export type FlowStatus = 'open' | 'completed' | 'cancelled';

export interface BillingLink {
  readonly organizationId: string;
  readonly subscriptionId: string;
  /** The person who set billing up: the primary billing manager. */
  readonly linkedBy: string;
  readonly linkedAt: string;
  readonly changedBy?: string;
  readonly changedAt?: string;
}

export interface Flow {
  readonly id: string;
  readonly kind: FlowKind;
  /** aadObjectId of the user who started the flow; only they may act on its cards. */
  readonly ownerId: string;
  readonly tenantId: string;
  readonly conversationId: string;
  readonly createdAt: string;
  /** Slides forward at each step, so an active user is never cut off mid-flow. */
  expiresAt: string;
  status: FlowStatus;
  organizationId?: string;
  subscriptionId?: string;
  /** For change and removal: the subscription paying when the user picked the organization. */
  expectedSubscriptionId?: string;
  finishedAt?: string;
  /** What the flow did, kept so that a late second click can be answered truthfully. */
  outcome?: string;
  /** A first purchase waiting for this set-up: applied in the same write that links billing. */
  pendingPurchase?: PaidQuantities;
}

/** Enough of a Bot Framework conversation reference to send a proactive message later. */
export interface StoredConversationReference {
  readonly conversationId: string;
  readonly userId?: string;
  readonly aadObjectId?: string;
  readonly tenantId?: string;
  readonly conversationType?: string;
  readonly serviceUrl: string;
  readonly channelId: string;
  readonly botId: string;
  readonly updatedAt: string;
  welcomedAt?: string;
}

export type AuditAction =
  | 'billing.setup'
  | 'billing.change'
  | 'billing.remove'
  | 'quantities.purchase'
  | 'quantities.change'
  | 'quantities.reset'
  | 'manager.add'
  | 'manager.remove';

export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actorId: string;
  readonly action: AuditAction;
  readonly organizationId: string;
  readonly fromSubscriptionId?: string;
  readonly toSubscriptionId?: string;
  /** For manager changes: who was added or removed, on which subscription, with which role. */
  readonly principalId?: string;
  readonly subscriptionId?: string;
  readonly role?: string;
  readonly fromQuantities?: PaidQuantities;
  readonly toQuantities?: PaidQuantities;
}

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
  changeEvents: 'keyed',
  outbox: 'keyed',
  reach: 'keyed',
} as const satisfies DeclarableKinds;

export function emptyState(): BotState {
  return { schemaVersion: STATE_SCHEMA_VERSION, links: {}, flows: {}, conversations: {}, audit: [], quantities: {}, purchases: {}, ...emptyNotificationState() };
}
