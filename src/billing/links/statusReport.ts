import type { DirectoryPort } from '../../domain/ports/directory';
import type { DirectoryUser, Organization, Subscription } from '../../domain/directory';
import { spendingLimitNotKnown } from '../explanations';
import type { OrganizationQuantities } from '../../domain/model';
import type { BillingLink } from '../../domain/model';
import { subscriptionHealthProblems, type IneligibilityCode } from '../eligibility';
import { organizationAccess } from '../organizationAccess';
import { billingManagerIds } from '../managerRules';
import { singleManagerWarning } from '../managerViews';
import { paidQuantitiesOf } from '../quantities';
import { isBillingManager } from '../roles';
import type { Named, OrganizationStatus } from '../views';

const HEALTH_WARNING: Partial<Record<IneligibilityCode, string>> = {
  'not-active': 'is not active any more, so this organization has fallen back to the free tier. Reactivate the subscription or change billing.',
  'spending-limit': 'has a spending limit on, which blocks Azure DevOps charges. Remove the spending limit indefinitely, or change billing.',
  'free-trial': 'is a free trial, which cannot pay for Azure DevOps. Upgrade it to pay-as-you-go, or change billing.',
};

/**
 * Billing status per organization the user belongs to. Every member learns whether billing is set up
 * and who manages it; the subscription, dates and warnings only PCAs and billing managers see.
 */
export async function buildStatus(
  directory: DirectoryPort,
  organizations: readonly Organization[],
  links: Readonly<Record<string, BillingLink>>,
  user: DirectoryUser,
  shared: boolean,
  /** Paid quantities as the bot keeps them; absent where they are kept elsewhere, and then not shown. */
  quantities?: Readonly<Record<string, OrganizationQuantities>>,
  /** Why an organization's billing could not be read, by organization id. */
  unreadableLinks: Readonly<Record<string, string>> = {},
): Promise<OrganizationStatus[]> {
  const statuses = await Promise.all(
    organizations.map(async (org) => {
      const unreadable = org.unreadable ?? unreadableLinks[org.id];
      if (unreadable) return unreadableStatus(org, user, unreadable);
      const status = await statusOf(directory, org, links[org.id], user, shared);
      return quantities && status.linked && status.detailsVisible ? { ...status, paid: paidQuantitiesOf(quantities[org.id]) } : status;
    }),
  );
  return statuses.sort((a, b) => a.organization.name.localeCompare(b.organization.name));
}

function healthWarning(subscription: Subscription, name: string, code: IneligibilityCode): string {
  if (code === 'not-active' && subscription.state === 'Unknown') {
    return `${name} is in a state I do not know ("${subscription.reportedState ?? 'unknown'}"), so it may not pay. Check it in the Azure portal, or change billing.`;
  }
  return `${name} ${HEALTH_WARNING[code] ?? ''}`;
}

/** What is known of an organization that could not be read: its name, and why, for the user to act on. */
function unreadableStatus(org: Organization, user: DirectoryUser, why: string): OrganizationStatus {
  return { organization: { id: org.id, name: org.name }, access: organizationAccess(user.id, org), linked: false, detailsVisible: false, warnings: [], unreadable: why };
}

/** In a shared conversation everyone reads the answer, so it says no more than any member may know. */
async function statusOf(directory: DirectoryPort, org: Organization, link: BillingLink | undefined, user: DirectoryUser, shared: boolean): Promise<OrganizationStatus> {
  const access = organizationAccess(user.id, org);
  const organization = { id: org.id, name: org.name };
  if (!link) {
    return { organization, access, linked: false, detailsVisible: !shared && access === 'project-collection-administrator', warnings: [] };
  }
  const [subscription, assignments] = await Promise.all([
    directory.getSubscription(link.subscriptionId),
    directory.roleAssignmentsOn(link.subscriptionId),
  ]);
  // A link made outside the bot has no known author.
  const setUpBy = link.linkedBy ? await person(directory, link.linkedBy) : undefined;
  const detailsVisible = !shared && (access === 'project-collection-administrator' || isBillingManager(user.id, assignments));
  if (!detailsVisible) {
    return { organization, access, linked: true, detailsVisible, ...(setUpBy ? { setUpBy } : {}), warnings: [] };
  }
  const name = subscription?.displayName ?? `subscription ${link.subscriptionId}`;
  const warnings = subscription
    ? subscriptionHealthProblems(subscription).flatMap((code) => (HEALTH_WARNING[code] ? [healthWarning(subscription, name, code)] : []))
    : [`${name} no longer exists or cannot be read. Change billing to a subscription that can pay.`];
  if (subscription?.spendingLimit === 'NotKnown') warnings.push(spendingLimitNotKnown(name));
  const managers = billingManagerIds(assignments);
  const soleManager = managers.length === 1 && managers[0] ? await person(directory, managers[0]) : undefined;
  if (soleManager) warnings.push(singleManagerWarning(org.name, soleManager.name));
  return {
    organization,
    access,
    linked: true,
    detailsVisible,
    subscription: { id: link.subscriptionId, name },
    ...(setUpBy ? { setUpBy } : {}),
    ...(link.linkedAt ? { setUpAt: link.linkedAt } : {}),
    ...(link.changedBy ? { changedBy: await person(directory, link.changedBy), changedAt: link.changedAt } : {}),
    warnings,
    ...(soleManager ? { soleManager } : {}),
  };
}

async function person(directory: DirectoryPort, userId: string): Promise<Named> {
  const user = await directory.getUser(userId);
  return { id: userId, name: user?.displayName ?? 'a former user' };
}
