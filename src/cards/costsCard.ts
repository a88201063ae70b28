import costsJson from '../../cards/costs.json';
import { joinNames } from '../billing/explanations';
import type { CostsReport, OrganizationCost } from '../billing/costs/costsViews';
import { formatUsd } from './money';
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

const FOOTNOTE =
  'List-price estimates in USD from what the directory says each organization uses; charges are metered daily and pro-rated. The bill itself is in Azure Cost Management.';

/**
 * What organizations cost this month, as a donut per organization (Chart.Donut) whose fallback is a
 * table with every number, for clients that draw no charts (the Agents Playground among them).
 */
export function costsCard(report: CostsReport): CardJson {
  return renderCard(costsTemplate, {
    title: `Costs in ${report.month}`,
    intro: report.organizations.length > 0
      ? `Day ${report.dayOfMonth} of ${report.daysInMonth}: what each organization has cost so far, and the forecast to the end of the month if nothing changes. Estimated at list prices.`
      : 'There is no organization whose costs you may see: that takes a project collection administrator, or a billing manager of the subscription that pays.',
    organizations: report.organizations.map(organizationView),
    subscriptions: report.subscriptions.map((s) => ({
      title: `${s.subscription.name} (${s.subscription.id})`,
      value: `${formatUsd(s.soFarCents)} so far, ${formatUsd(s.forecastCents)} forecast for the month (${joinNames(s.organizations, 'and')})`,
    })),
    hidden: report.hidden,
    footnote: FOOTNOTE,
  });
}

function organizationView(cost: OrganizationCost): CostsCardData['organizations'][number] {
  const name = cost.organization.name;
  const headline = !cost.billedBy
    ? 'Billing is not set up, so it is on the free tier and nothing is charged.'
    : !cost.usageKnown
      ? `Paid by ${cost.billedBy.name}. I do not know what it uses, so I cannot estimate its costs; the bill is in Azure Cost Management.`
      : `Paid by ${cost.billedBy.name}: ${formatUsd(cost.soFarCents)} so far this month, ${formatUsd(cost.monthlyCents)} forecast for the month.`;
  const shown = cost.billedBy && cost.usageKnown;
  return {
    name,
    headline,
    chartTitle: `${name}: forecast for the month by meter (USD)`,
    slices: shown ? cost.meters.filter((m) => m.monthlyCents > 0).map((m) => ({ legend: m.meter, value: m.monthlyCents / 100 })) : [],
    rows: shown ? cost.meters.map((m) => ({ title: m.meter, value: `${formatUsd(m.monthlyCents)} a month` })) : [],
    byMeter: shown ? `By meter, a month: ${cost.meters.map((m) => `${m.meter} ${formatUsd(m.monthlyCents)}`).join('; ')}.` : '',
    notes: cost.sharedWith.length > 0 ? [`Users are billed together with ${joinNames(cost.sharedWith, 'and')} (multi-organization billing): their cost is for all of them, counted once per subscription.`] : [],
  };
}
