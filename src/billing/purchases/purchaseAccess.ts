import type { ArtifactsUsageLimit, DirectoryUser, Organization, Subscription } from '../../domain/directory';
import type { BillingLink, PaidQuantities } from '../../domain/model';
import { refusal, success, type Outcome, type Problem } from '../../domain/outcome';
import type { DirectoryPort } from '../../domain/ports/directory';
import { subscriptionHealthProblems } from '../eligibility';
import { explainIneligibility, joinNames } from '../explanations';
import { BOUGHT_METERS, METERS, quantityText } from '../meters';
import { organizationAccess } from '../organizationAccess';
import { monthlyCents, unitPriceCents } from '../prices';
import { artifactsChange, artifactsLimitOf, buysMore, paidQuantitiesOf, uncountedUserSeats } from '../quantities';
import type { PurchaseFlowView, QuantitiesStep } from '../quantitiesViews';
import { BILLING_ROLES, isBillingManager, principalsWith } from '../roles';
import { named, namesOf } from '../serviceSupport';
import type { Named, OrganizationOption } from '../views';
import type { PurchaseContext } from './purchaseContext';

/** Who is buying for what: the result of the permission check, with what the cards need to show. */
export interface PurchaseTarget {
  readonly organization: Organization;
  /** Absent for a first purchase. */
  readonly link?: BillingLink;
  readonly subscription?: Subscription;
}

/**
 * Whether `user` may buy for `organization` now. With billing: only Owners and Contributors of the
 * billing subscription, PCA or not. Without: a first purchase sets billing up, so set-up's rule
 * (project collection administrators) applies here, and set-up checks the rest.
 */
export async function purchaseAccess(context: PurchaseContext, directory: DirectoryPort, user: DirectoryUser, organization: Organization | undefined): Promise<Outcome<PurchaseTarget>> {
  if (!organization) {
    return refusal('organization-not-found', 'That organization does not exist, or you cannot see it. Nothing was changed.');
  }
  const orgAccess = organizationAccess(user.id, organization);
  const link = await context.store.read((tx) => tx.links.get(organization.id));
  if (link) {
    const assignments = await directory.roleAssignmentsOn(link.subscriptionId);
    if (isBillingManager(user.id, assignments)) {
      const subscription = await directory.getSubscription(link.subscriptionId);
      return success({ organization, link, ...(subscription ? { subscription } : {}) });
    }
    if (orgAccess === 'none') return notAMember(organization);
    const managers = await namesOf(directory, principalsWith(assignments, BILLING_ROLES));
    const pcaNote = orgAccess === 'project-collection-administrator' ? ' Being a project collection administrator is not enough for this.' : '';
    const ask = managers.length > 0
      ? `Ask ${joinNames(managers)} to change them, or to have you granted Contributor on that subscription.`
      : 'Ask an Owner of that subscription to grant you Contributor on it.';
    return refusal(
      'missing-subscription-role',
      `Only Owners and Contributors of the subscription that pays for ${organization.name} can change its paid quantities.${pcaNote} ${ask} Nothing was changed.`,
    );
  }
  if (orgAccess === 'none') return notAMember(organization);
  if (orgAccess === 'member') {
    const administrators = await namesOf(directory, [...new Set([organization.ownerId, ...organization.projectCollectionAdministrators])]);
    return refusal(
      'not-project-collection-administrator',
      `${organization.name} has no billing yet, and its first purchase sets billing up, which only project collection administrators can do. ` +
        `Ask ${administrators.length > 0 ? joinNames(administrators) : 'the organization owner'} to buy, or to make you a project collection administrator. Nothing was changed.`,
    );
  }
  return success({ organization });
}

/** A subscription that cannot pay any more cannot pay for more either; reductions stay possible. */
export function paymentProblem(target: PurchaseTarget, from: PaidQuantities, to: PaidQuantities, startsPayingForStorage = false): Problem | undefined {
  if (!buysMore(from, to) && !startsPayingForStorage) return undefined;
  const subscription = target.subscription;
  const name = subscription?.displayName ?? 'The subscription that pays';
  const reasons = subscription
    ? subscriptionHealthProblems(subscription).map((code) => explainIneligibility(code, subscription, []))
    : [{ reason: 'It no longer exists or cannot be read.', fix: 'Change billing to a subscription that can pay.' }];
  if (reasons.length === 0) return undefined;
  return {
    code: 'subscription-not-eligible',
    message: `${name} cannot pay for more right now. ${reasons.map((r) => `${r.reason} ${r.fix}`).join(' ')} Reductions are still possible. Nothing was changed.`,
  };
}

/** The organizations of the first step: those the caller belongs to, and those whose billing they manage. */
export async function purchaseOptions(context: PurchaseContext, directory: DirectoryPort, user: DirectoryUser): Promise<OrganizationOption[]> {
  const members = await directory.organizationsOf(user.id);
  const managed = await organizationsManagedBy(context, directory, user);
  const seen = new Set<string>();
  const organizations = [...members, ...managed].filter((org) => (seen.has(org.id) ? false : (seen.add(org.id), true)));
  const options = await Promise.all(
    organizations.map(async (org): Promise<OrganizationOption> => {
      const target = await purchaseAccess(context, directory, user, org);
      if (!target.ok) return { ...named(org), selectable: false, reason: target.problem.message };
      const subscription = target.value.link ? billedBy(target.value) : undefined;
      return { ...named(org), selectable: true, ...(subscription ? { currentSubscription: subscription } : {}) };
    }),
  );
  return options.sort((a, b) => Number(b.selectable) - Number(a.selectable) || a.name.localeCompare(b.name));
}

/** What is shown on the quantities card besides the counts: the Artifacts switch chosen last, if any. */
export interface ShownChoices {
  readonly counts: Partial<PaidQuantities>;
  readonly artifactsLimit?: ArtifactsUsageLimit;
}

/** The quantities card: what is bought now, what is shown, the Artifacts switch, and the prices. */
export async function quantitiesStep(context: PurchaseContext, directory: DirectoryPort, flow: PurchaseFlowView, target: PurchaseTarget, shown: ShownChoices, problems: readonly string[]): Promise<QuantitiesStep> {
  const recorded = await context.store.read((tx) => tx.quantities.get(target.organization.id));
  const current = paidQuantitiesOf(recorded);
  const usage = (await directory.usageOf(target.organization.id))?.artifacts;
  const artifactsNow = artifactsLimitOf(recorded, usage);
  const artifacts = artifactsChange(artifactsNow, 'payAsYouGo', usage?.usedGiB, context.prices);
  const subscription = target.link ? billedBy(target) : undefined;
  const seats = recorded?.legacyExplainedAt === undefined ? uncountedUserSeats(recorded) : {};
  return {
    flow,
    organization: named(target.organization),
    ...(subscription ? { billedBy: subscription } : {}),
    firstPurchase: !target.link,
    meters: BOUGHT_METERS.map((meter) => ({
      meter,
      paidNow: current[meter.id],
      value: shown.counts[meter.id] ?? current[meter.id],
      unitPriceCents: unitPriceCents(context.prices, meter.id),
    })),
    artifacts: { now: artifactsNow, value: shown.artifactsLimit ?? artifactsNow, ...(usage ? { usedGiB: usage.usedGiB } : {}), payAsYouGoCents: artifacts.toCents },
    uncountedSeats: joinNames(METERS.filter((m) => (seats[m.id as keyof typeof seats] ?? 0) > 0).map((m) => quantityText(m, seats[m.id as keyof typeof seats] ?? 0)), 'and'),
    monthlyNowCents: monthlyCents(context.prices, current) + artifacts.fromCents,
    problems,
  };
}

/**
 * Marks the user seats of an earlier version as explained, once the card that explains them is
 * shown, so the explanation is not repeated; they stay in the record and the audit history.
 */
export async function markSeatsExplained(context: PurchaseContext, step: QuantitiesStep): Promise<void> {
  if (step.uncountedSeats === '') return;
  await context.store.transaction(async (tx) => {
    const recorded = await tx.quantities.get(step.organization.id);
    if (recorded && recorded.legacyExplainedAt === undefined) await tx.quantities.put(step.organization.id, { ...recorded, legacyExplainedAt: context.now().toISOString() });
  });
}

export function billedBy(target: PurchaseTarget): Named {
  const id = target.link?.subscriptionId ?? '';
  return { id, name: target.subscription?.displayName ?? `subscription ${id}` };
}

/** Billing managers may change quantities without belonging to the organization (BILLING.md). */
async function organizationsManagedBy(context: PurchaseContext, directory: DirectoryPort, user: DirectoryUser): Promise<Organization[]> {
  const visible = new Set((await directory.subscriptionsVisibleTo(user.id)).map((s) => s.id));
  const links = await context.store.read((tx) => tx.links.listBySubscriptions(visible));
  const found = await Promise.all(
    links.map(async (link) => (isBillingManager(user.id, await directory.roleAssignmentsOn(link.subscriptionId))
      ? directory.getOrganization(link.organizationId)
      : undefined)),
  );
  return found.filter((org): org is Organization => org !== undefined);
}

function notAMember<T>(organization: Organization): Outcome<T> {
  return refusal('not-a-member', `You are not a member of ${organization.name}. Nothing was changed.`);
}
