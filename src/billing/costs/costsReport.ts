import type { DirectoryUser } from '../../domain/directory';
import type { ActualChargesPort } from '../../domain/ports/actualCharges';
import { ReadFailure, type DirectoryPort } from '../../domain/ports/directory';
import type { Store } from '../../domain/ports/store';
import type { LinkReader } from '../links/linkChecks';
import { unitPriceCents, type PriceTable } from '../prices';
import { artifactsLimitOf, paidQuantitiesOf } from '../quantities';
import { named } from '../serviceSupport';
import type { Named } from '../views';
import { billArtifacts, billParallelJobs } from '../usage/usageCharges';
import { billUsers } from '../usage/userCharges';
import { billedBy, billingGroupOf, usersAccess, usersOptions } from '../users/usersAccess';
import { actualCostsOf, type ActualOrEstimate } from './actualCosts';
import type { CostsReport, MeterCost } from './costsViews';
import { monthProgress, soFarCents } from './monthShare';
import { perSubscription, type CostedOrganization } from './subscriptionTotals';

/**
 * What each organization the caller administers or pays for costs this month, by meter, at list
 * prices from what the directory says it uses (and what the bot bought), and the total per paying
 * subscription. Where `charges` can read the bill (Azure Cost Management), an organization's actual
 * costs are shown beside it; where it cannot, the estimate stands, with why.
 */
export async function costsReport(store: Store, links: LinkReader, directory: DirectoryPort, user: DirectoryUser, prices: PriceTable, now: Date, charges?: ActualChargesPort): Promise<CostsReport> {
  const progress = monthProgress(now);
  const options = await usersOptions(store, links, directory, user);
  const costed: CostedOrganization[] = [];
  for (const option of options.filter((o) => o.selectable)) {
    const target = await usersAccess(links, directory, user, await directory.getOrganization(option.id));
    if (!target.ok) continue;
    const usage = await usageOrUnknown(directory, option.id);
    const group = await billingGroupOf(store, links, directory, target.value, usage ?? {});
    const recorded = await store.read((tx) => tx.quantities.get(option.id));
    const meters: MeterCost[] = [];
    let usersCents = 0;
    if (target.value.link) {
      const users = billUsers(group.members, prices);
      usersCents = users.monthlyCents;
      meters.push(
        { meter: 'Basic users', monthlyCents: (users.basicUsers - users.freeBasicUsed) * unitPriceCents(prices, 'basicUsers') },
        { meter: 'Basic + Test Plans users', monthlyCents: users.basicTestPlansUsers * unitPriceCents(prices, 'basicTestPlansUsers') },
      );
      const jobs = billParallelJobs(recorded ? toJobs(paidQuantitiesOf(recorded)) : (usage?.parallelJobs ?? { microsoftHosted: 0, selfHosted: 0 }), prices);
      meters.push({ meter: 'Microsoft-hosted parallel jobs', monthlyCents: jobs.microsoftHostedCents }, { meter: 'Self-hosted parallel jobs', monthlyCents: jobs.selfHostedCents });
      const artifacts = usage?.artifacts;
      const limit = artifactsLimitOf(recorded, artifacts);
      if (artifacts) meters.push({ meter: 'Artifacts storage', monthlyCents: billArtifacts({ ...artifacts, usageLimit: limit }, prices).monthlyCents });
    }
    const monthlyCents = meters.reduce((sum, m) => sum + m.monthlyCents, 0);
    costed.push({
      cost: {
        organization: named(target.value.organization),
        ...(target.value.link ? { billedBy: billedBy(target.value) } : {}),
        usageKnown: usage !== undefined,
        meters,
        monthlyCents,
        soFarCents: soFarCents(monthlyCents, progress.dayOfMonth, progress.daysInMonth),
        sharedWith: group.others,
      },
      usersCents,
      groupKey: group.members.map((m) => m.organizationId).sort().join('|'),
    });
  }
  const withBill = charges ? await withActualCosts(charges, costed, now, progress.daysInMonth) : costed;
  return {
    ...progress,
    organizations: withBill.map((c) => c.cost),
    subscriptions: perSubscription(withBill, progress.dayOfMonth, progress.daysInMonth),
    hidden: options.filter((o) => !o.selectable).map((o) => ({ name: o.name, reason: o.reason ?? '' })),
  };
}

/** The bill's figures beside each paid organization's estimate, read once per paying subscription. */
async function withActualCosts(charges: ActualChargesPort, costed: readonly CostedOrganization[], now: Date, daysInMonth: number): Promise<CostedOrganization[]> {
  const bySubscription = new Map<string, { subscription: Named; organizations: Named[] }>();
  for (const { cost } of costed) {
    if (!cost.billedBy) continue;
    const entry = bySubscription.get(cost.billedBy.id) ?? { subscription: cost.billedBy, organizations: [] };
    entry.organizations.push(cost.organization);
    bySubscription.set(cost.billedBy.id, entry);
  }
  const fromBill = new Map<string, ActualOrEstimate>();
  for (const { subscription, organizations } of bySubscription.values()) {
    for (const [id, answer] of await actualCostsOf(charges, subscription, organizations, now, daysInMonth)) fromBill.set(id, answer);
  }
  return costed.map((c) => ({ ...c, cost: { ...c.cost, ...fromBill.get(c.cost.organization.id) } }));
}

/** An organization whose usage cannot be read (Azure DevOps refused, say) is costed as unknown; the others still are. */
async function usageOrUnknown(directory: DirectoryPort, organizationId: string): Promise<Awaited<ReturnType<DirectoryPort['usageOf']>>> {
  try {
    return await directory.usageOf(organizationId);
  } catch (error) {
    if (error instanceof ReadFailure) return undefined;
    throw error;
  }
}

function toJobs(paid: ReturnType<typeof paidQuantitiesOf>): { microsoftHosted: number; selfHosted: number } {
  return { microsoftHosted: paid.microsoftHostedJobs, selfHosted: paid.selfHostedJobs };
}
