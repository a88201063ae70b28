import type { DirectoryUser } from '../../domain/directory';
import type { ActualChargesPort } from '../../domain/ports/actualCharges';
import { ReadFailure, type DirectoryPort } from '../../domain/ports/directory';
import type { Store } from '../../domain/ports/store';
import type { LinkReader } from '../links/linkChecks';
import { unitPriceCents, type PriceTable } from '../prices';
import { artifactsLimitOf, paidQuantitiesOf } from '../quantities';
import { named } from '../serviceSupport';
import { billArtifacts, billParallelJobs } from '../usage/usageCharges';
import { billUsers } from '../usage/userCharges';
import { billedBy, billingGroupOf, usersAccess, usersOptions } from '../users/usersAccess';
import { actualCostOf, type ActualOrEstimate } from './actualCosts';
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
    const organization = named(target.value.organization);
    const paying = target.value.link ? billedBy(target.value) : undefined;
    const fromBill: ActualOrEstimate | undefined = paying && charges ? await actualCostOf(charges, organization, paying, now, progress.daysInMonth) : undefined;
    costed.push({
      cost: {
        organization,
        ...(paying ? { billedBy: paying } : {}),
        ...fromBill,
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
  return {
    ...progress,
    organizations: costed.map((c) => c.cost),
    subscriptions: perSubscription(costed, progress.dayOfMonth, progress.daysInMonth),
    hidden: options.filter((o) => !o.selectable).map((o) => ({ name: o.name, reason: o.reason ?? '' })),
  };
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
