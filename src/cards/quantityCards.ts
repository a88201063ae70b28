import { joinNames } from '../billing/explanations';
import { METERS, quantityText, wholeNumberText } from '../billing/meters';
import type {
  PurchaseOrganizationStep, PurchaseReview, QuantitiesChanged, QuantitiesStep, QuantityChange, QuantityLine,
} from '../billing/quantitiesViews';
import type { PaidQuantities } from '../domain/model';
import { artifactsLimitText } from '../billing/quantities';
import { FREE_ARTIFACTS_GIB } from '../billing/usage/usageCharges';
import type { QuantitiesCardData } from './quantityTemplates';
import { billedOrganizationChoices, organizationChoiceFields } from './format';
import { formatWhen } from '../domain/when';
import { formatUsd } from './money';
import { notificationNotes } from './notificationNotes';
import { quantitiesConfirmTemplate, quantitiesOrganizationPickerTemplate, quantitiesTemplate } from './quantityTemplates';
import { renderCard, type CardJson } from './render';
import { resultTemplate, type Fact } from './templates';

const TITLE = 'Buy paid quantities';
const STEPS = 3;

export const ESTIMATE_FOOTNOTE =
  'Amounts are list-price estimates in USD a month; the Azure pricing calculator has current prices, and charges are metered daily and pro-rated.';

function stepLabel(step: number, what: string): string {
  return `Step ${step} of ${STEPS}: ${what}`;
}

export function quantitiesOrganizationPickerCard(step: PurchaseOrganizationStep): CardJson {
  const { choices, unavailable } = billedOrganizationChoices(step.organizations);
  const prompt = choices.length > 0
    ? 'For which organization do you want to see or change paid quantities?'
    : step.organizations.length === 0
      ? 'You do not belong to any Azure DevOps organization in this directory, and manage no subscription that pays for one, so there is nothing to buy for.'
      : 'There is no organization you can buy for right now. The reasons, and who can help, are below.';
  return renderCard(quantitiesOrganizationPickerTemplate, {
    title: TITLE,
    step: stepLabel(1, 'organization'),
    prompt,
    flowId: step.flow.id,
    ...organizationChoiceFields(choices, unavailable),
  });
}

export function quantitiesCard(step: QuantitiesStep): CardJson {
  const org = step.organization.name;
  return renderCard(quantitiesTemplate, {
    title: TITLE,
    step: stepLabel(2, 'quantities'),
    facts: [
      { title: 'Organization', value: org },
      { title: 'Paid by', value: step.billedBy ? step.billedBy.name : 'nobody yet: billing is not set up' },
    ],
    firstPurchaseNote: step.firstPurchase
      ? `${org} has no billing yet, so this first purchase sets billing up: after Next you choose the Azure subscription that pays, and the purchase is made when billing is linked.`
      : '',
    problems: step.problems,
    intro: `How many parallel jobs should ${org} pay for on top of the free ones? Whole numbers only; 0 means nothing beyond the free grant.`,
    meters: step.meters.map(({ meter, paidNow, value, unitPriceCents }) => ({
      id: meter.id,
      name: meter.name,
      details: `${capitalised(meter.freeText)}. Paid now: ${wholeNumberText(paidNow)}. List price: ${formatUsd(unitPriceCents)} per ${meter.unit} a month.`,
      label: `Paid ${meter.many}`,
      max: meter.max,
      value,
      errorMessage: `Enter a whole number from 0 to ${wholeNumberText(meter.max)}.`,
    })),
    ...artifactsFields(step),
    notes: [
      ...(step.uncountedSeats !== ''
        ? [`An earlier version of this bot recorded ${step.uncountedSeats} as bought for ${org}. Azure DevOps does not sell users as seats: it bills each user for the access level assigned to them, so that record no longer counts toward anything. It stays in the history.`]
        : []),
      'Users are not bought here: they are billed for the access level assigned to each of them. Type "users" to see who is billed and who has not signed in for a while.',
    ],
    estimate: `List-price estimate now: ${formatUsd(step.monthlyNowCents)} a month for parallel jobs and Artifacts storage. The next card shows the estimate for your choices.`,
    footnote: ESTIMATE_FOOTNOTE,
    flowId: step.flow.id,
  });
}

function artifactsFields(step: QuantitiesStep): Pick<QuantitiesCardData, 'artifactsDetails' | 'artifactsWarning' | 'artifactsValue'> {
  const { now, value, usedGiB, payAsYouGoCents } = step.artifacts;
  const use = usedGiB === undefined
    ? 'I do not know how much is stored.'
    : `${usedGiB.toLocaleString('en-US')} GiB stored now; paid as used, that is about ${formatUsd(payAsYouGoCents)} a month (2 GiB free, then 2 USD a GiB up to 10 GiB, 1 USD up to 100, 0.50 USD up to 1,000, 0.25 USD above).`;
  const readOnly = now === 'free' && usedGiB !== undefined && usedGiB > FREE_ARTIFACTS_GIB;
  return {
    artifactsDetails: `Not bought as a count: a switch. Now: ${artifactsLimitText(now)}. ${use}`,
    artifactsWarning: readOnly
      ? `${step.organization.name} stores ${usedGiB.toLocaleString('en-US')} GiB on the free tier, more than the free 2 GiB, so its feeds are read-only: nothing new can be published until storage is paid for or packages are deleted.`
      : '',
    artifactsValue: value,
  };
}

export function quantitiesConfirmCard(review: PurchaseReview): CardJson {
  return renderCard(quantitiesConfirmTemplate, {
    title: TITLE,
    step: stepLabel(3, 'confirm'),
    facts: [
      { title: 'Organization', value: review.organization.name },
      { title: 'Paid by', value: `${review.billedBy.name} (${review.billedBy.id})` },
    ],
    changes: [...changedLines(review.change).map(lineFact), ...artifactsFacts(review.change)],
    estimate: estimateSentence(review.change),
    reduction: reductionNote(review.organization.name, review.change),
    footnote: ESTIMATE_FOOTNOTE,
    flowId: review.flow.id,
  });
}

export function quantitiesResultCard(change: QuantitiesChanged): CardJson {
  const org = change.organization.name;
  return renderCard(resultTemplate, {
    title: 'Paid quantities changed',
    facts: [
      { title: 'Organization', value: org },
      { title: 'Paid by', value: `${change.billedBy.name} (${change.billedBy.id})` },
      ...quantityChangeFacts(change.change),
      { title: 'By', value: change.by.name },
      { title: 'When', value: formatWhen(change.at) },
    ],
    summary: paidSummary(org, change.change.to),
    notes: [ESTIMATE_FOOTNOTE, ...notificationNotes(change.notifications), 'Type "status" at any time to see billing and paid quantities for all your organizations.'],
    warnings: [],
    addManagerOrganizationId: '',
  });
}

/** One fact per meter that changes, the Artifacts switch if it changes, then the monthly estimate before and after. */
export function quantityChangeFacts(change: QuantityChange): Fact[] {
  const before = formatUsd(change.fromMonthlyCents);
  const after = formatUsd(change.toMonthlyCents);
  return [...changedLines(change).map(lineFact), ...artifactsFacts(change), { title: 'Monthly estimate', value: `${before} → ${after} (list price)` }];
}

function artifactsFacts(change: QuantityChange): Fact[] {
  const artifacts = change.artifacts;
  if (!artifacts || artifacts.from === artifacts.to) return [];
  const cost = artifacts.usedGiB === undefined ? '' : ` (at ${artifacts.usedGiB.toLocaleString('en-US')} GiB: ${formatUsd(artifacts.fromCents)} → ${formatUsd(artifacts.toCents)} a month)`;
  return [{ title: 'Artifacts storage', value: `${artifactsLimitText(artifacts.from)} → ${artifactsLimitText(artifacts.to)}${cost}` }];
}

/** "contoso-web now pays for 10 Basic users on top of the free tier." */
export function paidSummary(organizationName: string, paid: PaidQuantities): string {
  const text = paidQuantitiesText(paid);
  return text
    ? `${organizationName} now pays for ${text} on top of the free tier.`
    : `${organizationName} pays for nothing beyond the free tier now.`;
}

/** "10 Basic users and 5 GiB of Artifacts storage"; empty for the free tier. */
export function paidQuantitiesText(paid: PaidQuantities): string {
  return joinNames(METERS.filter((m) => paid[m.id] > 0).map((m) => quantityText(m, paid[m.id])), 'and');
}

/** What a change of paid quantities does to the monthly list-price estimate, in one sentence. */
export function estimateSentence(change: QuantityChange): string {
  const difference = change.toMonthlyCents - change.fromMonthlyCents;
  const direction = difference > 0
    ? `${formatUsd(difference)} more a month`
    : difference < 0
      ? `${formatUsd(-difference)} less a month: a reduction`
      : 'no change a month';
  return `Monthly list-price estimate: ${formatUsd(change.fromMonthlyCents)} → ${formatUsd(change.toMonthlyCents)} (${direction}).`;
}

function changedLines(change: QuantityChange): QuantityLine[] {
  return change.lines.filter((line) => line.from !== line.to);
}

function lineFact(line: QuantityLine): Fact {
  const difference = line.toMonthlyCents - line.fromMonthlyCents;
  const numbers = `${wholeNumberText(line.from)} → ${wholeNumberText(line.to)}`;
  if (line.to < line.from) {
    return { title: line.meter.name, value: `${numbers}, a reduction${difference < 0 ? ` (${formatUsd(-difference)} a month less)` : ''}` };
  }
  return { title: line.meter.name, value: `${numbers}${difference > 0 ? ` (${formatUsd(difference)} a month more)` : ''}` };
}

function reductionNote(organizationName: string, change: QuantityChange): string {
  const reduced = change.lines.filter((line) => line.to < line.from);
  const storage = change.artifacts?.from === 'payAsYouGo' && change.artifacts.to === 'free'
    ? `Artifacts storage goes back to the free tier: above 2 GiB, ${organizationName}'s feeds become read-only until packages are deleted.`
    : '';
  if (reduced.length === 0) return storage;
  const what = joinNames(reduced.map((line) => `${line.meter.many} from ${wholeNumberText(line.from)} to ${wholeNumberText(line.to)}`), 'and');
  const artifacts = reduced.some((line) => line.meter.id === 'artifactsGiB')
    ? ' Artifacts storage above the new amount becomes read-only until packages are deleted or more is bought.'
    : '';
  return `This is a reduction of ${what}: ${organizationName} pays for less from the moment you confirm.${artifacts}${storage ? ` ${storage}` : ''}`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
