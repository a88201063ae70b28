import type { Entitlement, OrganizationUsage } from '../../domain/directory';
import type { DirectoryPort } from '../../domain/ports/directory';
import type { PriceTable } from '../prices';
import { named } from '../serviceSupport';
import { inactivePaidUsers, stakeholderBlock } from '../usage/inactivity';
import { billUsers, billedLevel, stakeholderSavingCents, type PaidAccessLevel } from '../usage/userCharges';
import { billedBy, type BillingGroup, type UsersTarget } from './usersAccess';
import { USERS_PAGE_SIZE } from './usersContext';
import type { AccessFlowView, InactiveUser, PaidLevelName, UserCounts, UsersOverview } from './usersViews';

export interface OverviewInput {
  readonly flow: AccessFlowView;
  readonly target: UsersTarget;
  readonly usage: OrganizationUsage | undefined;
  readonly group: BillingGroup;
  readonly prices: PriceTable;
  readonly now: Date;
  readonly inactiveDays: number;
  readonly page: number;
  readonly selected: ReadonlySet<string>;
  readonly problems?: readonly string[];
}

export const LEVEL_NAMES: Readonly<Record<PaidAccessLevel, PaidLevelName>> = { basic: 'Basic', basicTestPlans: 'Basic + Test Plans' };

/** What `users` shows for one organization: counts, the free five, the cost, and a page of inactive paid users. */
export async function usersOverview(directory: DirectoryPort, input: OverviewInput): Promise<UsersOverview> {
  const { target, usage, group, prices } = input;
  const entitlements = usage?.entitlements ?? [];
  const bill = billUsers(group.members, prices);
  const inactive = sortedInactive(inactivePaidUsers(entitlements, input.now, input.inactiveDays));
  const pages = Math.max(1, Math.ceil(inactive.length / USERS_PAGE_SIZE));
  const page = Math.min(Math.max(0, input.page), pages - 1);
  const shown = inactive.slice(page * USERS_PAGE_SIZE, (page + 1) * USERS_PAGE_SIZE);
  const names = await nameMap(directory, shown.map((e) => e.userId));
  const organizationId = target.organization.id;
  const changeable = inactive.filter((e) => stakeholderBlock(e) === undefined).map((e) => e.userId);
  return {
    flow: input.flow,
    organization: named(target.organization),
    ...(target.link ? { billedBy: billedBy(target) } : {}),
    usageKnown: usage?.entitlements !== undefined,
    counts: countsOf(entitlements),
    billedBasic: bill.basicUsers,
    freeBasicUsed: bill.freeBasicUsed,
    billedBasicTestPlans: bill.basicTestPlansUsers,
    sharedWith: group.others,
    monthlyCents: bill.monthlyCents,
    inactiveDays: input.inactiveDays,
    inactive: shown.map((e): InactiveUser => {
      const blocked = stakeholderBlock(e);
      return {
        id: e.userId,
        name: names.get(e.userId) ?? 'A user the directory does not name',
        level: LEVEL_NAMES[billedLevel(e) ?? 'basic'],
        lastAccessed: e.lastAccessed,
        savingCents: stakeholderSavingCents(group.members, organizationId, new Set([e.userId]), prices),
        ...(blocked === 'group-rule' ? { blocked: 'A group rule gives this access level: change the group rule in Azure DevOps, or take the user out of its group.' } : {}),
        selected: input.selected.has(e.userId),
      };
    }),
    page,
    pages,
    inactiveTotal: inactive.length,
    selectedElsewhere: [...input.selected].filter((id) => !shown.some((e) => e.userId === id)).length,
    possibleSavingCents: stakeholderSavingCents(group.members, organizationId, new Set(changeable), prices),
    canChange: target.canChange,
    whoCanChange: target.administrators,
    problems: input.problems ?? [],
  };
}

function countsOf(entitlements: readonly Entitlement[]): UserCounts {
  const count = (test: (e: Entitlement) => boolean): number => entitlements.filter(test).length;
  return {
    stakeholder: count((e) => e.accessLevel === 'stakeholder'),
    basic: count((e) => e.accessLevel === 'basic'),
    basicTestPlans: count((e) => e.accessLevel === 'basicTestPlans'),
    visualStudio: count((e) => e.accessLevel !== 'stakeholder' && e.licensingSource === 'msdn'),
  };
}

/** The costliest first, then the longest unseen: where a saving is largest and surest. */
function sortedInactive(entitlements: Entitlement[]): Entitlement[] {
  const seen = (e: Entitlement): number => (e.lastAccessed === null ? 0 : Date.parse(e.lastAccessed));
  return [...entitlements].sort((a, b) =>
    Number(billedLevel(b) === 'basicTestPlans') - Number(billedLevel(a) === 'basicTestPlans') || seen(a) - seen(b) || a.userId.localeCompare(b.userId));
}

async function nameMap(directory: DirectoryPort, userIds: readonly string[]): Promise<Map<string, string>> {
  return new Map((await directory.getUsers(userIds)).map((user) => [user.id, user.displayName]));
}
