import billingSettingsJson from '../../cards/billingSettingsStep.json';
import type { PendingBillingChange } from '../billing/views';
import { renderCard, template, type CardJson } from './render';
import type { Fact } from './templates';

export interface BillingSettingsStepData {
  readonly title: string;
  readonly facts: readonly Fact[];
  readonly instruction: string;
  /** Empty unless a "Check again" did not find the change yet. */
  readonly notYet: string;
  readonly why: string;
  readonly url: string;
  readonly flowId: string;
}

export const billingSettingsTemplate = template<BillingSettingsStepData>('billing settings step', billingSettingsJson);

/** The step the user takes on the organization's Billing settings page, with "Check again". */
export function billingSettingsCard(change: PendingBillingChange): CardJson {
  const facts: Fact[] = [{ title: 'Organization', value: change.organization.name }];
  if (change.from) facts.push({ title: change.flow.kind === 'remove' ? 'Paid by now' : 'From', value: `${change.from.name} (${change.from.id})` });
  if (change.to) facts.push({ title: change.flow.kind === 'change' ? 'To' : 'Subscription', value: `${change.to.name} (${change.to.id})` });
  return renderCard(billingSettingsTemplate, {
    title: 'One step in Azure DevOps',
    facts,
    instruction: change.instruction,
    notYet: change.notYet ?? '',
    why: 'Microsoft offers no published way for apps to change billing, so you make this choice yourself; I checked your permissions and will confirm the result.',
    url: change.url,
    flowId: change.flow.id,
  });
}
