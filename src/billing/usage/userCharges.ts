import type { AccessLevel, Entitlement } from '../../domain/directory';
import { unitPriceCents, type PriceTable } from '../prices';

/** Basic users that cost nothing, per organization or, under multi-organization billing, per subscription. */
export const FREE_BASIC_USERS = 5;

export type PaidAccessLevel = Exclude<AccessLevel, 'stakeholder'>;

/**
 * The access level a user is billed for in one organization, before the free five: none for a
 * Stakeholder, for a Visual Studio subscriber (the subscription pays), and for a user given access by
 * a group rule who has never signed in (a group rule bills from the first sign-in).
 */
export function billedLevel(entitlement: Entitlement): PaidAccessLevel | undefined {
  if (entitlement.accessLevel === 'stakeholder' || entitlement.licensingSource === 'msdn') return undefined;
  if (entitlement.assignedBy === 'groupRule' && entitlement.lastAccessed === null) return undefined;
  return entitlement.accessLevel;
}

/** The entitlements of one organization of a billing group. */
export interface OrganizationEntitlements {
  readonly organizationId: string;
  readonly entitlements: readonly Entitlement[];
}

/** What the users of a billing group cost a month, at list prices. */
export interface UserBill {
  /** People billed for Basic, each once, before the free five. */
  readonly basicUsers: number;
  readonly basicTestPlansUsers: number;
  /** How many of the free five Basic users are used. */
  readonly freeBasicUsed: number;
  readonly monthlyCents: number;
}

/**
 * The users' bill of a billing group: one organization alone, or every multi-organization billed
 * organization of one subscription. Within a group a person is billed once, at the highest level
 * they hold anywhere in it, and the five free Basic users apply once.
 */
export function billUsers(group: readonly OrganizationEntitlements[], prices: PriceTable): UserBill {
  const highest = new Map<string, PaidAccessLevel>();
  for (const organization of group) {
    for (const entitlement of organization.entitlements) {
      const level = billedLevel(entitlement);
      if (level === undefined) continue;
      if (highest.get(entitlement.userId) !== 'basicTestPlans') highest.set(entitlement.userId, level);
    }
  }
  const levels = [...highest.values()];
  const basicUsers = levels.filter((level) => level === 'basic').length;
  const basicTestPlansUsers = levels.length - basicUsers;
  const freeBasicUsed = Math.min(basicUsers, FREE_BASIC_USERS);
  return {
    basicUsers,
    basicTestPlansUsers,
    freeBasicUsed,
    monthlyCents: (basicUsers - freeBasicUsed) * unitPriceCents(prices, 'basicUsers') + basicTestPlansUsers * unitPriceCents(prices, 'basicTestPlansUsers'),
  };
}

/** The group with these people made Stakeholders in one organization: what a change would leave. */
export function withStakeholders(group: readonly OrganizationEntitlements[], organizationId: string, userIds: ReadonlySet<string>): OrganizationEntitlements[] {
  return group.map((organization) =>
    organization.organizationId !== organizationId
      ? organization
      : {
          organizationId,
          entitlements: organization.entitlements.map((e) => (userIds.has(e.userId) ? { ...e, accessLevel: 'stakeholder' as const, assignedBy: 'direct' as const } : e)),
        },
  );
}

/** What making these people Stakeholders in one organization saves a month. Zero when the free five absorb them, or another organization of the group still bills them. */
export function stakeholderSavingCents(group: readonly OrganizationEntitlements[], organizationId: string, userIds: ReadonlySet<string>, prices: PriceTable): number {
  return billUsers(group, prices).monthlyCents - billUsers(withStakeholders(group, organizationId, userIds), prices).monthlyCents;
}
