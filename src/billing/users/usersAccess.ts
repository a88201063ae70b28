import type { DirectoryUser, Organization, OrganizationUsage, Subscription } from '../../domain/directory';
import type { BillingLink } from '../../domain/model';
import { refusal, success, type Outcome } from '../../domain/outcome';
import { ReadFailure, type DirectoryPort } from '../../domain/ports/directory';
import type { Store } from '../../domain/ports/store';
import { joinNames } from '../explanations';
import type { LinkReader } from '../links/linkChecks';
import { optionsPerOrganization } from '../optionsPerOrganization';
import { isProjectCollectionAdministrator, organizationAccess } from '../organizationAccess';
import { BILLING_ROLES, isBillingManager, principalsWith } from '../roles';
import { named, namesOf } from '../serviceSupport';
import type { Named, OrganizationOption } from '../views';
import type { OrganizationEntitlements } from '../usage/userCharges';

/** Whose users the caller may see, and whether they may change access levels there. */
export interface UsersTarget {
  readonly organization: Organization;
  readonly link?: BillingLink;
  readonly subscription?: Subscription;
  /** Project collection administrators manage users (BILLING.md); billing managers only see them. */
  readonly canChange: boolean;
  readonly administrators: readonly string[];
}

/**
 * Who may see an organization's users and what they cost: its project collection administrators,
 * and the billing managers of the subscription that pays for it.
 */
export async function usersAccess(links: LinkReader, directory: DirectoryPort, user: DirectoryUser, organization: Organization | undefined): Promise<Outcome<UsersTarget>> {
  if (!organization) return refusal('organization-not-found', 'That organization does not exist, or you cannot see it. Nothing was changed.');
  const link = await links(organization);
  const administrators = await namesOf(directory, [...new Set([organization.ownerId, ...organization.projectCollectionAdministrators])]);
  const subscription = link ? await directory.getSubscription(link.subscriptionId) : undefined;
  const base = { organization, administrators, ...(link ? { link } : {}), ...(subscription ? { subscription } : {}) };
  if (isProjectCollectionAdministrator(user.id, organization)) return success({ ...base, canChange: true });
  if (link) {
    const assignments = await directory.roleAssignmentsOn(link.subscriptionId);
    if (isBillingManager(user.id, assignments)) return success({ ...base, canChange: false });
  }
  if (organizationAccess(user.id, organization) === 'none') return refusal('not-a-member', `You are not a member of ${organization.name}. Nothing was changed.`);
  const managers = link ? await namesOf(directory, principalsWith(await directory.roleAssignmentsOn(link.subscriptionId), BILLING_ROLES)) : [];
  const who = joinNames([...new Set([...administrators, ...managers])]);
  return refusal(
    'not-project-collection-administrator',
    `Only project collection administrators of ${organization.name} and the billing managers of the subscription that pays for it can see who is billed there and what it costs. Ask ${who || 'the organization owner'}.`,
  );
}

/** A project collection administrator who is not any more: checked again before a change. */
export function mayChange(user: DirectoryUser, organization: Organization): boolean {
  return isProjectCollectionAdministrator(user.id, organization);
}

/**
 * The organizations of the first step: those the caller belongs to, and those whose billing they manage.
 * Which subscription pays is read through `links`; the store only suggests organizations the caller is
 * not a member of, since nothing else lists the organizations a subscription pays for.
 */
export async function usersOptions(store: Store, links: LinkReader, directory: DirectoryPort, user: DirectoryUser): Promise<OrganizationOption[]> {
  const members = await directory.organizationsOf(user.id);
  const visible = new Set((await directory.subscriptionsVisibleTo(user.id)).map((s) => s.id));
  const recorded = await store.read((tx) => tx.links.listBySubscriptions(visible));
  const managed: Organization[] = [];
  for (const link of recorded) {
    if (!isBillingManager(user.id, await directory.roleAssignmentsOn(link.subscriptionId))) continue;
    const organization = await directory.getOrganization(link.organizationId);
    if (organization) managed.push(organization);
  }
  const seen = new Set<string>();
  const organizations = [...members, ...managed].filter((org) => (seen.has(org.id) ? false : (seen.add(org.id), true)));
  return optionsPerOrganization(organizations, async (org) => {
    const target = await usersAccess(links, directory, user, org);
    if (!target.ok) return { ...named(org), selectable: false, reason: target.problem.message };
    return { ...named(org), selectable: true, ...(target.value.link ? { currentSubscription: billedBy(target.value) } : {}) };
  });
}

export function billedBy(target: UsersTarget): Named {
  const id = target.link?.subscriptionId ?? '';
  return { id, name: target.subscription?.displayName ?? `subscription ${id}` };
}

/** The organizations billed together with this one, with what they use. */
export interface BillingGroup {
  readonly members: readonly OrganizationEntitlements[];
  /** The names of the others, for "shared with". */
  readonly others: readonly string[];
}

/**
 * One organization alone, or, under multi-organization billing, every organization in that mode
 * paid by the same subscription: they bill each person once and share the five free Basic users.
 */
export async function billingGroupOf(store: Store, links: LinkReader, directory: DirectoryPort, target: UsersTarget, usage: OrganizationUsage): Promise<BillingGroup> {
  const own: OrganizationEntitlements = { organizationId: target.organization.id, entitlements: usage.entitlements ?? [] };
  const paying = target.link?.subscriptionId;
  if (usage.billingMode !== 'multiOrg' || !paying) return { members: [own], others: [] };
  const recorded = await store.read((tx) => tx.links.listBySubscriptions(new Set([paying])));
  const members: OrganizationEntitlements[] = [own];
  const others: string[] = [];
  for (const link of recorded) {
    if (link.organizationId === target.organization.id) continue;
    const theirs = await directory.usageOf(link.organizationId);
    const organization = await directory.getOrganization(link.organizationId);
    if (theirs?.billingMode !== 'multiOrg' || !theirs.entitlements || !organization) continue;
    if (!(await stillPaidBy(links, organization, paying))) continue;
    members.push({ organizationId: link.organizationId, entitlements: theirs.entitlements });
    others.push(organization.name);
  }
  return { members, others: others.sort((a, b) => a.localeCompare(b)) };
}

/** A recorded link confirmed where links truly live; one that cannot be read leaves that organization out. */
async function stillPaidBy(links: LinkReader, organization: Organization, subscriptionId: string): Promise<boolean> {
  try {
    return (await links(organization))?.subscriptionId.toLowerCase() === subscriptionId.toLowerCase();
  } catch (error) {
    if (error instanceof ReadFailure) return false;
    throw error;
  }
}
