import type { Entitlement } from '../../domain/directory';
import { billedLevel } from './userCharges';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Whether a user has not signed in for `days`: never signed in counts from when the access level was
 * assigned (or as inactive, when that is not known), so a user added yesterday is not yet inactive.
 */
export function isInactive(entitlement: Entitlement, now: Date, days: number): boolean {
  const cutoff = now.getTime() - days * DAY_MS;
  const since = entitlement.lastAccessed ?? entitlement.assigned;
  return since === undefined || Date.parse(since) < cutoff;
}

/** Why a paid user cannot simply be made a Stakeholder; undefined when they can. */
export type StakeholderBlock = 'group-rule' | 'not-paid';

export function stakeholderBlock(entitlement: Entitlement): StakeholderBlock | undefined {
  if (billedLevel(entitlement) === undefined) return 'not-paid';
  // A group rule gives the access level again; the rule itself must change.
  if (entitlement.assignedBy === 'groupRule') return 'group-rule';
  return undefined;
}

/** Paid users who have not signed in for `days`, the ones an administrator looks for to save money. */
export function inactivePaidUsers(entitlements: readonly Entitlement[], now: Date, days: number): Entitlement[] {
  return entitlements.filter((e) => billedLevel(e) !== undefined && isInactive(e, now, days));
}
