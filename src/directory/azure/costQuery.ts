import type { ActualMeterCharge, ActualMonthCharges } from '../../domain/ports/actualCharges';

/**
 * The ARM resource that represents an organization inside the subscription that pays for it. Azure
 * DevOps creates it in the resource group `VisualStudioOnline-<organization id without dashes>`
 * when billing is set up (BILLING.md), named after the organization.
 */
export function organizationResourceId(subscriptionId: string, organization: { readonly id: string; readonly name: string }): string {
  const resourceGroup = `VisualStudioOnline-${organization.id.replace(/-/g, '')}`;
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.VisualStudio/account/${organization.name}`;
}

/** Cost Management's QueryDefinition (2023-03-01) as this bot sends it. */
export interface CostQueryDefinition {
  readonly type: 'ActualCost';
  readonly timeframe: 'Custom';
  readonly timePeriod: { readonly from: string; readonly to: string };
  readonly dataset: {
    readonly granularity: 'Daily';
    readonly aggregation: { readonly totalCost: { readonly name: 'PreTaxCost'; readonly function: 'Sum' } };
    readonly grouping: readonly { readonly type: 'Dimension'; readonly name: 'ResourceId' | 'Meter' }[];
    readonly filter: { readonly dimensions: { readonly name: 'ResourceId'; readonly operator: 'In'; readonly values: readonly string[] } };
  };
}

/**
 * Actual costs of the organizations' resources from the first of the month to the end of `now`'s
 * day (UTC), daily, by resource and meter: one query per paying subscription, however many
 * organizations it pays for, and the days tell how far the bill has got, so that the forecast
 * scales the right share. Cost Management reports resource ids in lower case; the filter names each
 * id both as Azure DevOps writes it and in lower case, so that either spelling matches.
 */
export function monthToDateQuery(resourceIds: readonly string[], now: Date): CostQueryDefinition {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 23, 59, 59));
  return {
    type: 'ActualCost',
    timeframe: 'Custom',
    timePeriod: { from: from.toISOString(), to: to.toISOString() },
    dataset: {
      granularity: 'Daily',
      aggregation: { totalCost: { name: 'PreTaxCost', function: 'Sum' } },
      grouping: [{ type: 'Dimension', name: 'ResourceId' }, { type: 'Dimension', name: 'Meter' }],
      filter: { dimensions: { name: 'ResourceId', operator: 'In', values: [...new Set(resourceIds.flatMap((id) => [id, id.toLowerCase()]))] } },
    },
  };
}

/** One page of a QueryResult: its columns and rows as Cost Management sends them. */
export interface CostQueryPage {
  readonly columns: readonly { readonly name: string; readonly type?: string }[];
  readonly rows: readonly (readonly unknown[])[];
}

/** What a page could not be read as; the message names what was missing. */
export class CostQueryShapeError extends Error {}

const COST_COLUMNS = ['totalCost', 'PreTaxCost', 'Cost', 'CostUSD'];
const CURRENCY_COLUMNS = ['Currency', 'BillingCurrency', 'BillingCurrencyCode'];

interface Sums {
  readonly byMeter: Map<string, number>;
  throughDay: number;
}

/**
 * The month's charges by meter of each resource asked for (keyed by its id in lower case), from
 * every page; a resource without charges has no meters. Columns are found by name, never by
 * position: the service orders them as it likes, and names the cost column after the aggregation's
 * alias or after the cost it sums, depending on the kind of billing account.
 */
export function chargesByResource(pages: readonly CostQueryPage[], resourceIds: readonly string[]): Map<string, ActualMonthCharges> {
  const sums = new Map<string, Sums>(resourceIds.map((id) => [id.toLowerCase(), { byMeter: new Map<string, number>(), throughDay: 0 }]));
  const currencies = new Set<string>();
  for (const page of pages) {
    if (page.rows.length === 0) continue;
    const at = (names: readonly string[]): number => page.columns.findIndex((c) => names.some((n) => n.toLowerCase() === c.name.toLowerCase()));
    const cost = at(COST_COLUMNS);
    const resource = at(['ResourceId']);
    const meter = at(['Meter']);
    const date = at(['UsageDate']);
    const currency = at(CURRENCY_COLUMNS);
    if (cost < 0 || meter < 0 || resource < 0) throw new CostQueryShapeError(`Azure Cost Management answered without ${cost < 0 ? 'a cost' : meter < 0 ? 'a meter' : 'a resource'} column.`);
    for (const row of page.rows) {
      const amount = Number(row[cost]);
      if (!Number.isFinite(amount)) throw new CostQueryShapeError('Azure Cost Management answered a cost that is not a number.');
      const of = sums.get(String(row[resource]).toLowerCase());
      if (!of) continue;
      const name = typeof row[meter] === 'string' && row[meter] !== '' ? row[meter] : 'Other charges';
      of.byMeter.set(name, (of.byMeter.get(name) ?? 0) + amount);
      if (currency >= 0 && typeof row[currency] === 'string' && row[currency] !== '') currencies.add(row[currency]);
      if (date >= 0) of.throughDay = Math.max(of.throughDay, dayOfMonth(row[date]));
    }
  }
  if (currencies.size > 1) throw new CostQueryShapeError(`Azure Cost Management answered in more than one currency (${[...currencies].join(', ')}).`);
  const currency = [...currencies][0] ?? '';
  return new Map([...sums].map(([id, sum]) => [id, chargesOf(sum, currency)]));
}

function chargesOf(sum: Sums, currency: string): ActualMonthCharges {
  const meters: ActualMeterCharge[] = [...sum.byMeter].map(([meter, amount]) => ({ meter, amount })).sort((a, b) => b.amount - a.amount || a.meter.localeCompare(b.meter));
  return { currency: meters.length > 0 ? currency : '', meters, throughDay: sum.throughDay };
}
/** UsageDate comes as the number 20261207 (or, from some accounts, an ISO date). */
function dayOfMonth(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value % 100;
  if (typeof value === 'string') {
    const compact = /^\d{8}$/.test(value) ? Number(value.slice(6, 8)) : new Date(value).getUTCDate();
    return Number.isFinite(compact) ? compact : 0;
  }
  return 0;
}
