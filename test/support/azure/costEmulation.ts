import type { DirectoryUser } from '../../../src/domain/directory';
import { exampleBody } from './apiContract';
import type { EmulatedWorld } from './emulatedWorld';

type Json = Record<string, unknown>;

const COST_MANAGEMENT = 'Azure/azure-rest-api-specs/specification/cost-management/resource-manager/Microsoft.CostManagement/stable/2023-03-01';
export const COST_MANAGEMENT_SPEC = `${COST_MANAGEMENT}/costmanagement.json`;
const QUERY_EXAMPLE = `${COST_MANAGEMENT}/examples/SubscriptionQuery.json`;

/** One line of the emulated bill: what a resource was charged on one day for one meter. */
export interface EmulatedCharge {
  readonly resourceId: string;
  /** "2026-11-03" */
  readonly day: string;
  readonly meter: string;
  readonly amount: number;
  readonly currency: string;
}

/** Roles that let a user read a subscription's costs; Cost Management Reader is not among the world's roles. */
const COST_READERS = new Set(['Owner', 'Contributor', 'Reader']);
/** The meter dimensions the emulator groups by; the client sends no other grouping but the resource id. */
const METERS = new Set(['Meter', 'MeterSubcategory']);

export type QueryOutcome =
  | { readonly status: number; readonly body: Json; readonly more: boolean }
  | { readonly violation: string };

export interface QueryAsked {
  readonly world: EmulatedWorld;
  readonly bill: readonly EmulatedCharge[];
  readonly user: DirectoryUser;
  readonly scope: string;
  readonly body: unknown;
  /** The first row of this page, and how many a page holds. */
  readonly start: number;
  readonly pageSize: number;
}

/**
 * `Query_Usage` on a subscription: the bill's lines for the resources the filter names, summed by
 * day (granularity Daily), by resource (when grouped by ResourceId) and by the meter dimension, in the envelope and with the
 * columns of the published example (SubscriptionQuery.json). Reading costs takes Owner, Contributor
 * or Reader on the subscription (Cost Management Reader is not modelled); anyone else gets the 403
 * ARM answers. Definitions the client is not expected to send are violations.
 */
export function queryUsage(asked: QueryAsked): QueryOutcome {
  const subscriptionId = /^\/?subscriptions\/([^/]+)\/?$/i.exec(asked.scope)?.[1];
  if (!subscriptionId) return { violation: `The emulator answers cost queries on a subscription scope only, not ${asked.scope}.` };
  const subscription = asked.world.subscription(subscriptionId);
  if (!subscription) return { status: 404, body: armError('SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`), more: false };
  if (!asked.world.rolesOn(subscription.id, asked.user.id).some((role) => COST_READERS.has(role))) {
    return {
      status: 403,
      body: armError('AuthorizationFailed', `The client '${asked.user.email}' with object id '${asked.user.id}' does not have authorization to perform action 'Microsoft.CostManagement/query/action' over scope '/subscriptions/${subscription.id}' or the scope is invalid. If access was recently granted, please refresh your credentials.`),
      more: false,
    };
  }
  const definition = asked.body as Json;
  const dataset = (definition.dataset ?? {}) as Json;
  const period = periodOf(definition);
  if ('violation' in period) return period;
  const resourceIds = resourceIdsOf(dataset);
  if ('violation' in resourceIds) return resourceIds;
  const grouping = ((Array.isArray(dataset.grouping) ? dataset.grouping : []) as Json[]).map((g) => ({ type: g.type, name: String(g.name) }));
  const meterDimension = grouping.find((g) => METERS.has(g.name))?.name;
  const byResource = grouping.some((g) => g.name === 'ResourceId');
  if (!meterDimension || grouping.some((g) => g.type !== 'Dimension' || (!METERS.has(g.name) && g.name !== 'ResourceId'))) {
    return { violation: `The emulator answers cost queries grouped by a meter dimension (and the resource id) only, not ${JSON.stringify(dataset.grouping)}.` };
  }
  const daily = dataset.granularity === 'Daily';
  const sums = new Map<string, { day: number; resourceId: string; meter: string; amount: number; currency: string }>();
  for (const charge of asked.bill) {
    if (!resourceIds.values.has(charge.resourceId.toLowerCase()) || charge.day < period.from || charge.day > period.to) continue;
    if (!charge.resourceId.toLowerCase().startsWith(`/subscriptions/${subscription.id.toLowerCase()}/`)) continue;
    const day = daily ? Number(charge.day.replace(/-/g, '')) : 0;
    // Cost Management reports resource ids in lower case.
    const resourceId = byResource ? charge.resourceId.toLowerCase() : '';
    const key = `${day}|${resourceId}|${charge.meter}|${charge.currency}`;
    const sum = sums.get(key) ?? { day, resourceId, meter: charge.meter, amount: 0, currency: charge.currency };
    sums.set(key, { ...sum, amount: sum.amount + charge.amount });
  }
  const all = [...sums.values()].sort((a, b) => a.day - b.day || a.resourceId.localeCompare(b.resourceId) || a.meter.localeCompare(b.meter));
  const example = exampleBody(QUERY_EXAMPLE);
  const exampleColumns = ((example.properties as Json).columns ?? []) as Json[];
  const column = (name: string): Json => exampleColumns.find((c) => c.name === name) ?? { name, type: 'String' };
  const columns = [column('PreTaxCost'), ...(daily ? [column('UsageDate')] : []), ...(byResource ? [column('ResourceId')] : []), column(meterDimension), column('Currency')];
  const rows = all.slice(asked.start, asked.start + asked.pageSize).map((s) => [s.amount, ...(daily ? [s.day] : []), ...(byResource ? [s.resourceId] : []), s.meter, s.currency]);
  return {
    status: 200,
    body: {
      ...example,
      id: `subscriptions/${subscription.id}/providers/Microsoft.CostManagement/Query/${subscription.id}`,
      properties: { nextLink: null, columns, rows },
    },
    more: asked.start + asked.pageSize < all.length,
  };
}

/** The days asked for, as "YYYY-MM-DD" bounds: a custom period, or this month so far. */
function periodOf(definition: Json): { from: string; to: string } | { violation: string } {
  if (definition.type !== 'ActualCost') return { violation: `The emulator answers ActualCost queries only, not ${String(definition.type)}.` };
  if (definition.timeframe === 'MonthToDate') {
    const today = new Date().toISOString().slice(0, 10);
    return { from: `${today.slice(0, 8)}01`, to: today };
  }
  const period = (definition.timePeriod ?? {}) as Json;
  if (definition.timeframe !== 'Custom' || typeof period.from !== 'string' || typeof period.to !== 'string') {
    return { violation: `The emulator answers MonthToDate, or Custom with a timePeriod, not ${JSON.stringify({ timeframe: definition.timeframe, timePeriod: definition.timePeriod })}.` };
  }
  return { from: period.from.slice(0, 10), to: period.to.slice(0, 10) };
}

function resourceIdsOf(dataset: Json): { values: Set<string> } | { violation: string } {
  const dimensions = ((dataset.filter ?? {}) as Json).dimensions as Json | undefined;
  if (!dimensions || dimensions.name !== 'ResourceId' || dimensions.operator !== 'In' || !Array.isArray(dimensions.values)) {
    return { violation: `The emulator answers cost queries filtered to resource ids only, not ${JSON.stringify(dataset.filter)}.` };
  }
  return { values: new Set(dimensions.values.map((v) => String(v).toLowerCase())) };
}

function armError(code: string, message: string): Json {
  return { error: { code, message } };
}
