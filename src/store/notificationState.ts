import type { ChangeEvent, ManagerRole } from './changeEvent';
import type { RoleAssignment } from '../directory/types';

/** What the bot records about backup billing managers and the notifications it sends them. */

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
  status: 'open' | 'completed' | 'cancelled';
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
}

export interface NotificationState {
  /** Backup billing managers the bot added, by organization id, then principal id. */
  managers: Record<string, Record<string, RecordedManager>>;
  managerFlows: Record<string, ManagerFlow>;
  /** Changes saved but not yet turned into outbox entries (normally for milliseconds). */
  changeEvents: Record<string, ChangeEvent>;
  outbox: Record<string, OutboxEntry>;
  /** By aadObjectId. */
  reach: Record<string, ReachRecord>;
  directoryOverlay: DirectoryOverlay;
}

export function emptyNotificationState(): NotificationState {
  return { managers: {}, managerFlows: {}, changeEvents: {}, outbox: {}, reach: {}, directoryOverlay: { granted: [], revoked: [] } };
}

/**
 * A state file written before these keys existed lacks them; they start empty. Nothing else in the
 * file changes meaning, so the schema version stays as it is.
 */
export function withNotificationDefaults<T extends object>(state: T): T & NotificationState {
  const defaults = emptyNotificationState();
  const filled = state as T & Partial<NotificationState>;
  for (const key of Object.keys(defaults) as (keyof NotificationState)[]) {
    if (filled[key] === undefined) Object.assign(filled, { [key]: defaults[key] });
  }
  return filled as T & NotificationState;
}
