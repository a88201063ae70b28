import type { ActualChargesPort, ActualMonthCharges } from '../../domain/ports/actualCharges';
import type { Named } from '../views';
import type { ActualCost } from './costsViews';

/** The bill's figures for one organization, or why the estimate stands in for them. */
export type ActualOrEstimate = { readonly actual: ActualCost } | { readonly estimateBecause: string };

/**
 * Asks the bill what each organization a subscription pays for was charged this month, as the
 * caller may see it: one answer for all of them, since access to the bill is per subscription.
 */
export async function actualCostsOf(charges: ActualChargesPort, subscription: Named, organizations: readonly Named[], now: Date, daysInMonth: number): Promise<Map<string, ActualOrEstimate>> {
  const answer = await charges.monthToDate({ organizations: organizations.map((o) => ({ id: o.id, name: o.name })), subscriptionId: subscription.id, now });
  if (answer.kind === 'actual') {
    return new Map(organizations.map((o) => [o.id, { actual: actualCost(answer.byOrganization.get(o.id) ?? { currency: '', meters: [], throughDay: 0 }, daysInMonth) }]));
  }
  const why = answer.kind === 'no-access'
    ? `You may not read the actual costs of ${subscription.name}, so this is a list-price estimate.`
    : `I could not read the actual costs of ${subscription.name} just now, so this is a list-price estimate.`;
  return new Map(organizations.map((o) => [o.id, { estimateBecause: `${why} ${answer.message}` }]));
}

/**
 * The forecast scales the actual so far from the days the bill covers to the whole month, as
 * charges are metered daily and pro-rated; a change made today shows in it once the bill has it.
 */
export function actualCost(charges: ActualMonthCharges, daysInMonth: number): ActualCost {
  const soFar = charges.meters.reduce((sum, m) => sum + m.amount, 0);
  const throughDay = Math.min(charges.throughDay, daysInMonth);
  return {
    currency: charges.currency,
    meters: charges.meters.map((m) => ({ meter: m.meter, amount: m.amount })),
    soFar,
    forecast: throughDay > 0 ? (soFar * daysInMonth) / throughDay : 0,
    throughDay,
  };
}
