import type { OrganizationCost, SubscriptionCost } from './costsViews';
import { soFarCents } from './monthShare';

/** One organization's cost, with what its subscription's estimate needs to count shared users once. */
export interface CostedOrganization {
  readonly cost: OrganizationCost;
  /** The users' share of the estimate, counted once per billing group in the subscription's total. */
  readonly usersCents: number;
  readonly groupKey: string;
}

/**
 * The total per paying subscription. Actual costs are what the bill charged each organization's
 * resource, so they add up as they are; estimates count users billed together under
 * multi-organization billing once.
 */
export function perSubscription(costed: readonly CostedOrganization[], day: number, days: number): SubscriptionCost[] {
  type Entry = {
    subscription: { id: string; name: string };
    organizations: string[];
    estimated: string[];
    cents: number;
    groups: Set<string>;
    actual: Map<string, { organizations: string[]; soFar: number; forecast: number }>;
  };
  const bySubscription = new Map<string, Entry>();
  for (const { cost, usersCents, groupKey } of costed) {
    if (!cost.billedBy) continue;
    const entry: Entry = bySubscription.get(cost.billedBy.id) ?? { subscription: cost.billedBy, organizations: [], estimated: [], cents: 0, groups: new Set<string>(), actual: new Map() };
    entry.organizations.push(cost.organization.name);
    if (cost.actual) {
      const sum = entry.actual.get(cost.actual.currency) ?? { organizations: [], soFar: 0, forecast: 0 };
      entry.actual.set(cost.actual.currency, { organizations: [...sum.organizations, cost.organization.name], soFar: sum.soFar + cost.actual.soFar, forecast: sum.forecast + cost.actual.forecast });
    } else {
      entry.estimated.push(cost.organization.name);
      entry.cents += cost.monthlyCents - (entry.groups.has(groupKey) ? usersCents : 0);
      entry.groups.add(groupKey);
    }
    bySubscription.set(cost.billedBy.id, entry);
  }
  return [...bySubscription.values()].map((e) => ({
    subscription: e.subscription,
    organizations: e.organizations,
    ...(e.estimated.length > 0 ? { estimate: { organizations: e.estimated, soFarCents: soFarCents(e.cents, day, days), forecastCents: e.cents } } : {}),
    actual: [...e.actual].map(([currency, sum]) => ({ currency, ...sum })),
  }));
}
