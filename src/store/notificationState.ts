import type { ChangeEvent } from '../domain/changeEvent';
import type { AccessFlow, DirectoryOverlay, ManagerFlow, OutboxEntry, ReachRecord, RecordedManager } from '../domain/model';

/** What the bot records about backup billing managers and the notifications it sends them. */

export interface NotificationState {
  /** Backup billing managers the bot added, by organization id, then principal id. */
  managers: Record<string, Record<string, RecordedManager>>;
  managerFlows: Record<string, ManagerFlow>;
  /** `users` flows (access levels), by id. */
  accessFlows: Record<string, AccessFlow>;
  /** Changes saved but not yet turned into outbox entries (normally for milliseconds). */
  changeEvents: Record<string, ChangeEvent>;
  outbox: Record<string, OutboxEntry>;
  /** By aadObjectId. */
  reach: Record<string, ReachRecord>;
  directoryOverlay: DirectoryOverlay;
}

export function emptyNotificationState(): NotificationState {
  return { managers: {}, managerFlows: {}, accessFlows: {}, changeEvents: {}, outbox: {}, reach: {}, directoryOverlay: { granted: [], revoked: [] } };
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
