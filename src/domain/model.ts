/**
 * The plain model of what the bot records: billing links, the flows that walk people through a
 * change, paid quantities, billing managers the bot added, the audit history, conversation
 * references and notifications. Plain data, no behaviour and no storage: the store decides how it
 * is kept, the use cases what it means.
 */

import type { ChangeEvent, ManagerRole } from './changeEvent';
import type { AccessLevel, AccessLevelChange, ArtifactsUsageLimit, RoleAssignment } from './directory';

export type FlowKind = 'setup' | 'change' | 'remove';
/** `replaced`: the owner started another flow of the same kind, which took its place. */
export type FlowStatus = 'open' | 'completed' | 'cancelled' | 'replaced';

export interface BillingLink {
  readonly organizationId: string;
  readonly subscriptionId: string;
  /** The person who set billing up: the primary billing manager. */
  readonly linkedBy: string;
  readonly linkedAt: string;
  readonly changedBy?: string;
  readonly changedAt?: string;
  /** After a change: the subscription that paid before, where the organization's resource group stays behind. */
  readonly previousSubscriptionId?: string;
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
  | 'manager.remove'
  | 'access.change';

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
  /** For access-level changes: the user's level before and after (principalId names the user). */
  readonly fromAccessLevel?: AccessLevel;
  readonly toAccessLevel?: AccessLevel;
  /** For purchases: the Artifacts switch before and after. */
  readonly fromArtifactsLimit?: ArtifactsUsageLimit;
  readonly toArtifactsLimit?: ArtifactsUsageLimit;
}

export type MeterId = 'basicUsers' | 'basicTestPlansUsers' | 'microsoftHostedJobs' | 'selfHostedJobs' | 'artifactsGiB';

export const METER_IDS: readonly MeterId[] = ['basicUsers', 'basicTestPlansUsers', 'microsoftHostedJobs', 'selfHostedJobs', 'artifactsGiB'];

/**
 * What an organization pays for on top of the free tier, per meter: users and parallel jobs beyond
 * the free ones, and for Artifacts the GiB above the free 2 GiB. Zero everywhere is the free tier.
 */
export type PaidQuantities = Readonly<Record<MeterId, number>>;

export interface OrganizationQuantities {
  /**
   * Counts bought. Only the parallel jobs still count: user seats and Artifacts GiB recorded by
   * earlier versions are kept here as history until the next change, and never counted.
   */
  readonly paid: PaidQuantities;
  /** The Artifacts switch the bot last set; absent when it never set one. */
  readonly artifactsLimit?: ArtifactsUsageLimit;
  /** When the bot explained that user seats recorded by an earlier version no longer count. */
  readonly legacyExplainedAt?: string;
  readonly changedBy: string;
  readonly changedAt: string;
}

/** A "buy" card flow; it follows the same ownership and expiry rules as the billing flows. */
export interface PurchaseFlow {
  readonly id: string;
  /** aadObjectId of the user who typed "buy"; only they may act on its cards. */
  readonly ownerId: string;
  readonly tenantId: string;
  readonly conversationId: string;
  readonly createdAt: string;
  expiresAt: string;
  status: FlowStatus;
  organizationId?: string;
  /** The validated quantities the confirmation card shows; confirming applies exactly these. */
  requested?: PaidQuantities;
  /** The paid quantities the confirmation card showed as current: a change since voids it. */
  basedOn?: PaidQuantities;
  /** The Artifacts switch asked for, and the one the confirmation showed as current. */
  requestedArtifacts?: ArtifactsUsageLimit;
  basedOnArtifacts?: ArtifactsUsageLimit;
  finishedAt?: string;
  outcome?: string;
}

/**
 * A `users` card flow: the organization shown, the page of inactive users, and the people ticked to
 * become Stakeholders; it follows the same ownership and expiry rules as the billing flows.
 */
export interface AccessFlow {
  readonly id: string;
  readonly ownerId: string;
  readonly tenantId: string;
  readonly conversationId: string;
  readonly createdAt: string;
  expiresAt: string;
  status: FlowStatus;
  organizationId?: string;
  /** The page of inactive users shown, from 0. */
  page?: number;
  /** The users ticked so far, over every page; confirming changes exactly these. */
  selected?: string[];
  /** The monthly estimate the confirmation showed before and after, in cents. */
  estimate?: { readonly fromCents: number; readonly toCents: number };
  finishedAt?: string;
  outcome?: string;
}

/** A billing manager the bot itself added, so that `managers` can say who chose them and when. */
export interface RecordedManager {
  readonly principalId: string;
  readonly subscriptionId: string;
  readonly role: ManagerRole;
  readonly addedBy: string;
  readonly addedAt: string;
}

export type ManagerFlowKind = 'add' | 'remove';

export interface ManagerFlow {
  readonly id: string;
  readonly kind: ManagerFlowKind;
  /** aadObjectId of the user who started the flow; only they may act on its cards. */
  readonly ownerId: string;
  readonly tenantId: string;
  readonly conversationId: string;
  readonly createdAt: string;
  expiresAt: string;
  status: FlowStatus;
  organizationId?: string;
  principalId?: string;
  role?: ManagerRole;
  finishedAt?: string;
  outcome?: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** Why a notification did not arrive, as a code for programs and a sentence for people. */
export interface DeliveryFailure {
  readonly code: 'not-installed' | 'blocked' | 'rejected' | 'gave-up' | 'no-address';
  readonly reason: string;
}

/** One notification to one person: written before any send, updated after each attempt. */
export interface OutboxEntry {
  /** Dedupe key: `${event.id}/${recipientId}`. */
  readonly key: string;
  readonly recipientId: string;
  readonly tenantId: string;
  /** A welcome for the person just made a billing manager; otherwise what changed. */
  readonly card: 'change' | 'welcome';
  readonly event: ChangeEvent;
  readonly createdAt: string;
  status: DeliveryStatus;
  attempts: number;
  /** Not before this time: set by a back-off after a throttled or failed attempt. */
  notBefore?: string;
  lastError?: string;
  failure?: DeliveryFailure;
  finishedAt?: string;
  conversationId?: string;
}

/** The last thing the bot learned about reaching a person in Teams. */
export interface ReachRecord {
  readonly status: 'delivered' | 'unreachable';
  readonly at: string;
  readonly failure?: DeliveryFailure;
}

/**
 * Role assignments the local directory has made or taken back on the bot's behalf, laid over the
 * directory file so that the demo world reflects what the bot did without the file being rewritten.
 */
export interface DirectoryOverlay {
  granted: RoleAssignment[];
  revoked: RoleAssignment[];
  /** Access levels the bot set; absent in state saved before the bot could set them. */
  accessLevels?: AccessLevelChange[];
}

