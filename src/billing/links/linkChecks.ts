import type { Caller } from '../../domain/caller';
import type { DirectoryUser, Organization, Subscription } from '../../domain/directory';
import type { BillingLink, FlowKind } from '../../domain/model';
import { refusal, success, type Outcome, type Problem } from '../../domain/outcome';
import type { CurrentBillingLink } from '../../domain/ports/billingLinks';
import type { DirectoryPort } from '../../domain/ports/directory';
import { ineligibilityReasons } from '../eligibility';
import { explainIneligibility, joinNames, spendingLimitNotKnown } from '../explanations';
import { FLOW_COMMAND } from '../flows/progress';
import { optionsPerOrganization } from '../optionsPerOrganization';
import { organizationAccess } from '../organizationAccess';
import { isBillingManager, principalsWith, rolesOf } from '../roles';
import { named, namesOf } from '../serviceSupport';
import type { Named, OrganizationOption, SubscriptionOption } from '../views';
import type { LinkContext } from './linkContext';

/** Reads the billing link of one organization, as the rules need it; each organization read once per request. */
export type LinkReader = (organization: { readonly id: string; readonly name: string }) => Promise<BillingLink | undefined>;

/** What a billing change does: the organization, and the subscriptions paying before and after. */
export interface LinkPlan {
  readonly organization: Named;
  readonly from?: Named;
  readonly to?: Named;
  readonly toTenantId?: string;
}

/** Where a use case reads billing links from: the store, or the source that truly holds them. */
export type LinkSource = Pick<LinkContext, 'store' | 'billingLinksFor'>;

/**
 * The link reader for one request: the store, or the caller's view of where the link truly lives.
 * Every command reads links through it, so `status`, `managers` and the flows agree.
 */
export async function linksFor(context: LinkSource, caller: Caller): Promise<LinkReader> {
  const recorded = (organizationId: string): Promise<BillingLink | undefined> => context.store.read((tx) => tx.links.get(organizationId));
  if (!context.billingLinksFor) return (organization) => recorded(organization.id);
  const port = await context.billingLinksFor(caller);
  const read = new Map<string, Promise<BillingLink | undefined>>();
  return (organization) => {
    let link = read.get(organization.id);
    if (!link) {
      link = port.current({ id: organization.id, name: organization.name }).then(async (current) => current && linkFromSource(current, await recorded(organization.id)));
      read.set(organization.id, link);
    }
    return link;
  };
}

/** The organizations of the first step, each with whether it can be picked and why not. */
export async function organizationOptions(directory: DirectoryPort, links: LinkReader, user: DirectoryUser, kind: FlowKind): Promise<OrganizationOption[]> {
  return optionsPerOrganization(await directory.organizationsOf(user.id), (org) => organizationOption(directory, links, user, org, kind));
}

async function organizationOption(directory: DirectoryPort, links: LinkReader, user: DirectoryUser, org: Organization, kind: FlowKind): Promise<OrganizationOption> {
  const link = await links(org);
  const problem = await organizationProblem(directory, links, user, org, kind);
  const isPca = organizationAccess(user.id, org) === 'project-collection-administrator';
  const currentSubscription = link && isPca ? namedSubscription(link.subscriptionId, await directory.getSubscription(link.subscriptionId)) : undefined;
  const administratorThrough = isPca ? org.administratorGroups?.[user.id] : undefined;
  return {
    ...named(org),
    selectable: !problem,
    ...(problem ? { reason: problem.message } : {}),
    ...(currentSubscription ? { currentSubscription } : {}),
    ...(administratorThrough ? { administratorThrough } : {}),
  };
}

/** Why `user` cannot pick `organization` in a flow of `kind`; undefined when they can. */
export async function organizationProblem(directory: DirectoryPort, links: LinkReader, user: DirectoryUser, organization: Organization | undefined, kind: FlowKind): Promise<Problem | undefined> {
  if (!organization) {
    return { code: 'organization-not-found', message: 'That organization does not exist, or you cannot see it. Nothing was changed.' };
  }
  if (organization.unreadable) {
    return { code: 'directory-refused', message: `Could not read ${organization.name}: ${organization.unreadable}` };
  }
  const access = organizationAccess(user.id, organization);
  if (access === 'none') {
    // Same words as a missing organization: a forged id must not learn another tenant's names.
    return { code: 'not-a-member', message: 'That organization does not exist, or you are not a member of it. Nothing was changed.' };
  }
  if (access === 'member') {
    const owner = await nameOf(directory, organization.ownerId);
    return {
      code: 'not-project-collection-administrator',
      message: `Only project collection administrators can ${FLOW_COMMAND[kind]}. Ask ${owner} (the organization owner) to make you one, or to do it.`,
    };
  }
  const link = await links(organization);
  if (kind === 'setup' && link) return alreadyLinked(organization);
  if (kind !== 'setup' && !link) {
    return { code: 'not-linked', message: `Billing is not set up for ${organization.name} yet. Type "set up billing" to set it up.` };
  }
  if (kind === 'remove' && link) {
    const assignments = await directory.roleAssignmentsOn(link.subscriptionId);
    if (!isBillingManager(user.id, assignments)) {
      const owners = await namesOf(directory, principalsWith(assignments, ['Owner']));
      return {
        code: 'missing-subscription-role',
        message: `To remove billing you need Owner or Contributor on the subscription that pays for ${organization.name}. ${owners.length ? `Ask ${joinNames(owners)} (Owner) to grant you Contributor.` : 'Ask an Owner of that subscription to grant you Contributor.'}`,
      };
    }
  }
  return undefined;
}

/** The subscriptions of the second step, each with whether it can pay and, if not, why and the fix. */
export async function subscriptionOptions(directory: DirectoryPort, user: DirectoryUser, organization: Organization, currentId: string | undefined): Promise<SubscriptionOption[]> {
  const subscriptions = await directory.subscriptionsVisibleTo(user.id);
  const options = await Promise.all(
    subscriptions
      .filter((s) => s.id !== currentId)
      .map(async (subscription): Promise<SubscriptionOption> => {
        const assignments = await directory.roleAssignmentsOn(subscription.id);
        const codes = ineligibilityReasons(subscription, organization, user.id, assignments);
        const owners = codes.includes('missing-role') ? await namesOf(directory, principalsWith(assignments, ['Owner'])) : [];
        return {
          ...namedSubscription(subscription.id, subscription),
          offer: subscription.quotaId,
          roles: rolesOf(user.id, assignments),
          selectable: codes.length === 0,
          problems: codes.map((code) => explainIneligibility(code, subscription, owners)),
          ...(subscription.spendingLimit === 'NotKnown' ? { caution: spendingLimitNotKnown(subscription.displayName) } : {}),
        };
      }),
  );
  return options.sort((a, b) => Number(b.selectable) - Number(a.selectable) || a.name.localeCompare(b.name));
}

/** Checks, with fresh data, that `user` may make the change a flow describes, and names its parts. */
export async function checkPlan(
  directory: DirectoryPort,
  links: LinkReader,
  user: DirectoryUser,
  kind: FlowKind,
  organizationId: string,
  subscriptionId: string | undefined,
): Promise<Outcome<LinkPlan>> {
  const organization = await directory.getOrganization(organizationId);
  const problem = await organizationProblem(directory, links, user, organization, kind);
  if (problem) return { ok: false, problem };
  const org = organization as Organization;
  const link = await links(org);
  const from = link ? namedSubscription(link.subscriptionId, await directory.getSubscription(link.subscriptionId)) : undefined;
  if (kind === 'remove') return success({ organization: named(org), from });

  const subscription = subscriptionId ? await directory.getSubscription(subscriptionId) : undefined;
  const assignments = subscription ? await directory.roleAssignmentsOn(subscription.id) : [];
  // A subscription the user holds no role on is reported as missing, not described: its existence
  // is not theirs to learn.
  if (!subscription || !assignments.some((a) => a.principalId === user.id)) {
    return refusal('subscription-not-found', 'That subscription does not exist, or you have no access to it. Nothing was changed; pick one from the list.');
  }
  if (subscription.id === link?.subscriptionId) {
    return refusal('same-subscription', `${subscription.displayName} already pays for ${org.name}. Pick another subscription.`);
  }
  const codes = ineligibilityReasons(subscription, org, user.id, assignments);
  if (codes.length > 0) {
    const owners = await namesOf(directory, principalsWith(assignments, ['Owner']));
    const text = codes.map((c) => { const e = explainIneligibility(c, subscription, owners); return `${e.reason} ${e.fix}`; }).join(' ');
    return refusal('subscription-not-eligible', `${subscription.displayName} cannot pay for ${org.name}. ${text} Nothing was changed.`);
  }
  return success({ organization: named(org), from, to: namedSubscription(subscription.id, subscription), toTenantId: subscription.tenantId });
}

/** A subscription the directory no longer knows is still named, by its id, so nothing shows blank. */
export function namedSubscription(id: string, subscription: Subscription | undefined): Named;
export function namedSubscription(id: string | undefined, subscription: Subscription | undefined): Named | undefined;
export function namedSubscription(id: string | undefined, subscription: Subscription | undefined): Named | undefined {
  if (id === undefined) return undefined;
  return { id, name: subscription?.displayName ?? `subscription ${id}` };
}

export function alreadyLinked(organization: Named): Problem {
  return { code: 'already-linked', message: `Billing for ${organization.name} is already set up. Type "change billing" to move it to another subscription.` };
}

async function nameOf(directory: DirectoryPort, userId: string): Promise<string> {
  return (await directory.getUser(userId))?.displayName ?? 'an administrator';
}

/**
 * A link read from its source, with the bot's record of who set it up when that record still
 * describes it. A link made elsewhere has no known author here.
 */
function linkFromSource(current: CurrentBillingLink, recorded: BillingLink | undefined): BillingLink {
  if (recorded && recorded.subscriptionId.toLowerCase() === current.subscriptionId.toLowerCase()) return recorded;
  return { organizationId: current.organizationId, subscriptionId: current.subscriptionId, linkedBy: '', linkedAt: current.updatedAt ?? '' };
}
