import type { DirectoryUser } from '../../domain/directory';
import { ReadFailure, type DirectoryPort } from '../../domain/ports/directory';
import type { Store } from '../../domain/ports/store';
import type { LinkReader } from '../links/linkChecks';
import { unitPriceCents, type PriceTable } from '../prices';
import { artifactsLimitOf, paidQuantitiesOf } from '../quantities';
import { named } from '../serviceSupport';
import { billArtifacts, billParallelJobs } from '../usage/usageCharges';
import { billUsers } from '../usage/userCharges';
import { billedBy, billingGroupOf, usersAccess, usersOptions } from '../users/usersAccess';
import type { CostsReport, MeterCost, OrganizationCost, SubscriptionCost } from './costsViews';
import { monthProgress, soFarCents } from './monthShare';

interface Costed {
  readonly cost: OrganizationCost;
  /** The users' share, counted once per billing group in the subscription's total. */
  readonly usersCents: number;
  readonly groupKey: string;
}

/**
 * What each organization the caller administers or pays for costs this month, by meter, at list
 * prices from what the directory says it uses (and what the bot bought), and the total per paying
 * subscription. An estimate: the bill itself is in Azure Cost Management.
 */
export async function costsReport(store: Store, links: LinkReader, directory: DirectoryPort, user: DirectoryUser, prices: PriceTable, now: Date): Promise<CostsReport> {
  const progress = monthProgress(now);
  const options = await usersOptions(store, links, directory, user);
  const costed: Costed[] = [];
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

/** Users billed together under multi-organization billing are counted once in their subscription's total. */
function perSubscription(costed: readonly Costed[], day: number, days: number): SubscriptionCost[] {
  type Entry = { subscription: { id: string; name: string }; organizations: string[]; cents: number; groups: Set<string> };
  const bySubscription = new Map<string, Entry>();
  for (const { cost, usersCents, groupKey } of costed) {
    if (!cost.billedBy) continue;
    const entry: Entry = bySubscription.get(cost.billedBy.id) ?? { subscription: cost.billedBy, organizations: [], cents: 0, groups: new Set<string>() };
    entry.organizations.push(cost.organization.name);
    entry.cents += cost.monthlyCents - (entry.groups.has(groupKey) ? usersCents : 0);
    entry.groups.add(groupKey);
    bySubscription.set(cost.billedBy.id, entry);
  }
  return [...bySubscription.values()].map((e) => ({
    subscription: e.subscription,
    organizations: e.organizations,
    soFarCents: soFarCents(e.cents, day, days),
    forecastCents: e.cents,
  }));
}
