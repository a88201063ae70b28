import costsJson from '../../cards/costs.json';
import { joinNames } from '../billing/explanations';
import type { ActualCost, CostsReport, OrganizationCost, SubscriptionCost } from '../billing/costs/costsViews';
import { formatAmount, formatUsd } from './money';
import { renderCard, template, type CardJson } from './render';
import type { Fact } from './templates';

export interface CostsCardData {
  readonly title: string;
  readonly intro: string;
  readonly organizations: readonly {
    readonly name: string;
    readonly headline: string;
    readonly chartTitle: string;
    /** One slice per meter that costs something; the chart's fallback lists every meter. */
    readonly slices: readonly { readonly legend: string; readonly value: number }[];
    readonly rows: readonly Fact[];
    /** Every meter's amount in one sentence: a client may draw the chart with only some legends in view. */
    readonly byMeter: string;
    readonly notes: readonly string[];
  }[];
  readonly subscriptions: readonly Fact[];
  readonly hidden: readonly { readonly name: string; readonly reason: string }[];
  readonly footnote: string;
}

export const costsTemplate = template<CostsCardData>('costs', costsJson);

const ESTIMATE_FOOTNOTE =
  'List-price estimates in USD from what the directory says each organization uses; charges are metered daily and pro-rated. The bill itself is in Azure Cost Management.';

const ACTUAL_FOOTNOTE =
  "Actual costs are what Azure Cost Management has charged each organization's Azure DevOps resource this month, in the paying subscription's billing currency; the bill lags by some hours, and the forecast scales the actual so far to the whole month. Estimates are at list prices in USD.";

/**
 * What organizations cost this month, as a donut per organization (Chart.Donut) whose fallback is a
 * table with every number, for clients that draw no charts (the Agents Playground among them). Every
 * amount says whether it is actual (from the bill) or a list-price estimate.
 */
export function costsCard(report: CostsReport): CardJson {
  const billRead = report.organizations.some((o) => o.actual !== undefined || o.estimateBecause !== undefined);
  const day = `Day ${report.dayOfMonth} of ${report.daysInMonth}: what each organization has cost so far, and the forecast to the end of the month if nothing changes.`;
  return renderCard(costsTemplate, {
    title: `Costs in ${report.month}`,
    intro: report.organizations.length === 0
      ? 'There is no organization whose costs you may see: that takes a project collection administrator, or a billing manager of the subscription that pays.'
      : billRead
        ? `${day} Actual costs come from Azure Cost Management; where they cannot be read, a list-price estimate stands in, labelled as one.`
        : `${day} Estimated at list prices.`,
    organizations: report.organizations.map((cost) => (cost.actual ? actualView(cost, cost.actual, report.month) : estimateView(cost))),
    subscriptions: report.subscriptions.map((s) => ({ title: `${s.subscription.name} (${s.subscription.id})`, value: subscriptionTotal(s) })),
    hidden: report.hidden,
    footnote: billRead ? ACTUAL_FOOTNOTE : ESTIMATE_FOOTNOTE,
  });
}

type OrganizationView = CostsCardData['organizations'][number];

function actualView(cost: OrganizationCost, actual: ActualCost, month: string): OrganizationView {
  const name = cost.organization.name;
  const money = (amount: number): string => formatAmount(amount, actual.currency);
  const payer = cost.billedBy?.name ?? '';
  const charged = actual.meters.length > 0;
  const through = `${actual.throughDay} ${month.split(' ')[0] ?? ''}`;
  const headline = charged
    ? `Paid by ${payer}: ${money(actual.soFar)} so far this month, actual, from Azure Cost Management (charges through ${through}); ${money(actual.forecast)} forecast for the month (the actual so far, scaled to the whole month).`
    : `Paid by ${payer}: nothing charged so far this month, actual, from Azure Cost Management. The bill may not show this month's charges yet.`;
  return {
    name,
    headline,
    chartTitle: `${name}: actual so far this month by meter (${actual.currency})`,
    slices: actual.meters.filter((m) => m.amount > 0).map((m) => ({ legend: m.meter, value: Math.round(m.amount * 100) / 100 })),
    rows: actual.meters.map((m) => ({ title: m.meter, value: `${money(m.amount)} so far (actual)` })),
    byMeter: charged ? `Actual by meter so far this month: ${actual.meters.map((m) => `${m.meter} ${money(m.amount)}`).join('; ')}.` : '',
    notes: cost.sharedWith.length > 0 ? [`Users are billed together with ${joinNames(cost.sharedWith, 'and')} (multi-organization billing).`] : [],
  };
}

function estimateView(cost: OrganizationCost): OrganizationView {
  const name = cost.organization.name;
  const headline = !cost.billedBy
    ? 'Billing is not set up, so it is on the free tier and nothing is charged.'
    : !cost.usageKnown
      ? `Paid by ${cost.billedBy.name}. I do not know what it uses, so I cannot estimate its costs; the bill is in Azure Cost Management.`
      : `Paid by ${cost.billedBy.name}: ${formatUsd(cost.soFarCents)} so far this month, ${formatUsd(cost.monthlyCents)} forecast for the month, estimated at list prices.`;
  const shown = cost.billedBy && cost.usageKnown;
  return {
    name,
    headline,
    chartTitle: `${name}: list-price estimate for the month by meter (USD)`,
    slices: shown ? cost.meters.filter((m) => m.monthlyCents > 0).map((m) => ({ legend: m.meter, value: m.monthlyCents / 100 })) : [],
    rows: shown ? cost.meters.map((m) => ({ title: m.meter, value: `${formatUsd(m.monthlyCents)} a month (estimate)` })) : [],
    byMeter: shown ? `Estimated by meter, a month: ${cost.meters.map((m) => `${m.meter} ${formatUsd(m.monthlyCents)}`).join('; ')}.` : '',
    notes: [
      ...(cost.estimateBecause ? [cost.estimateBecause] : []),
      ...(cost.sharedWith.length > 0 ? [`Users are billed together with ${joinNames(cost.sharedWith, 'and')} (multi-organization billing): their cost is for all of them, counted once per subscription.`] : []),
    ],
  };
}

function subscriptionTotal(s: SubscriptionCost): string {
  const actual = s.actual.map((a) => `${formatAmount(a.soFar, a.currency)} so far, ${formatAmount(a.forecast, a.currency)} forecast for the month, actual (${joinNames(a.organizations, 'and')})`);
  const estimate = s.estimate
    ? [`${formatUsd(s.estimate.soFarCents)} so far, ${formatUsd(s.estimate.forecastCents)} forecast for the month, estimated at list prices (${joinNames(s.estimate.organizations, 'and')})`]
    : [];
  return [...actual, ...estimate].join('; ');
}
