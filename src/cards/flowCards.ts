import { leftoverResourceGroupName } from '../billing/views';
import type { FlowKind } from '../domain/model';
import type { BillingChange, ConfirmStep, OrganizationOption, OrganizationStep, SubscriptionStep } from '../billing/views';
import { singleManagerWarning } from '../billing/managerViews';
import { choiceStyleFor, organizationChoiceFields } from './format';
import { formatWhen } from '../domain/when';
import { notificationNotes } from './notificationNotes';
import { estimateSentence, paidQuantitiesText, paidSummary, quantityChangeFacts } from './quantityCards';
import { renderCard, type CardJson } from './render';
import { confirmTemplate, organizationPickerTemplate, resultTemplate, subscriptionPickerTemplate, type Fact } from './templates';

const TITLE: Record<FlowKind, string> = {
  setup: 'Set up billing',
  change: 'Change billing',
  remove: 'Remove billing',
};

const STEPS: Record<FlowKind, number> = { setup: 3, change: 3, remove: 2 };

function stepLabel(kind: FlowKind, step: number, what: string): string {
  return `Step ${step} of ${STEPS[kind]}: ${what}`;
}

function organizationTitle(o: OrganizationOption): string {
  const notes = [
    ...(o.currentSubscription ? [`paid by ${o.currentSubscription.name}`] : []),
    ...(o.administratorThrough ? [`you are an administrator through the group ${o.administratorThrough}`] : []),
  ];
  return notes.length > 0 ? `${o.name} (${notes.join('; ')})` : o.name;
}

export function organizationPickerCard(step: OrganizationStep): CardJson {
  const kind = step.flow.kind;
  const choices = step.organizations
    .filter((o) => o.selectable)
    .map((o) => ({ title: organizationTitle(o), value: o.id }));
  const unavailable = step.organizations
    .filter((o) => !o.selectable)
    .map((o) => ({ name: o.currentSubscription ? `${o.name} (paid by ${o.currentSubscription.name})` : o.name, reason: o.reason ?? '' }));
  const prompt = choices.length > 0
    ? PROMPT[kind]
    : step.organizations.length === 0
      ? 'You do not belong to any Azure DevOps organization in this directory, so there is nothing to do here.'
      : 'There is no organization you can do this for right now. The reasons, and who can help, are below.';
  return renderCard(organizationPickerTemplate, {
    title: TITLE[kind],
    step: stepLabel(kind, 1, 'organization'),
    prompt,
    flowId: step.flow.id,
    ...organizationChoiceFields(choices, unavailable),
  });
}

const PROMPT: Record<FlowKind, string> = {
  setup: 'Which organization should an Azure subscription pay for?',
  change: 'Which organization should move to another subscription?',
  remove: 'Which organization should stop being billed?',
};

export function subscriptionPickerCard(step: SubscriptionStep): CardJson {
  const kind = step.flow.kind;
  const choices = step.subscriptions.filter((s) => s.selectable).map((s) => ({ title: `${s.name} (${s.id}): ${offerName(s.offer)}; you are ${s.roles.join(' and ') || 'without a role'}${s.caution ? `. ${s.caution}` : ''}`, value: s.id }));
  const unavailable = step.subscriptions
    .filter((s) => !s.selectable)
    .map((s) => ({ name: `${s.name} (${s.id})`, problems: s.problems.map((p) => ({ reason: p.reason, fix: p.fix })) }));
  const facts: Fact[] = [{ title: 'Organization', value: step.organization.name }];
  if (step.current) facts.push({ title: 'Paid by now', value: step.current.name });
  if (step.quantities) facts.push(...quantityChangeFacts(step.quantities));
  const prompt = choices.length > 0
    ? step.quantities
      ? `${step.organization.name} has no billing yet, so your purchase starts by setting it up. Which Azure subscription should pay? The purchase is made as soon as billing is linked.`
      : kind === 'change' ? 'Which subscription should pay from now on?' : 'Which Azure subscription should pay?'
    : 'None of your subscriptions can pay for this organization right now. Each one is listed below with the reason and the fix.';
  return renderCard(subscriptionPickerTemplate, {
    title: TITLE[kind],
    step: stepLabel(kind, 2, 'subscription'),
    facts,
    prompt,
    flowId: step.flow.id,
    choiceStyle: choiceStyleFor(choices.length),
    defaultChoice: choices.length === 1 ? (choices[0]?.value ?? '') : '',
    choices,
    unavailable,
  });
}

export function confirmCard(step: ConfirmStep): CardJson {
  const kind = step.flow.kind;
  const facts: Fact[] = [{ title: 'Organization', value: step.organization.name }];
  if (step.from) facts.push({ title: kind === 'remove' ? 'Paid by now' : 'From', value: `${step.from.name} (${step.from.id})` });
  if (step.to) facts.push({ title: kind === 'change' ? 'To' : 'Subscription', value: `${step.to.name} (${step.to.id})` });
  if (step.quantities) facts.push(...quantityChangeFacts(step.quantities));
  const org = step.organization.name;
  const common = { title: TITLE[kind], step: stepLabel(kind, STEPS[kind], 'confirm'), facts, flowId: step.flow.id };
  switch (kind) {
    case 'setup':
      return renderCard(confirmTemplate, {
        ...common,
        summary: `${step.to?.name} will pay for ${org}'s paid features (users, parallel jobs, Artifacts storage), metered daily and pro-rated. You become its primary billing manager.` +
          (step.quantities ? ` In the same step your purchase is made: ${paidQuantitiesText(step.quantities.to)}. ${estimateSentence(step.quantities)}` : ''),
        warning: '',
        acknowledgement: '',
        confirmTitle: 'Set up billing',
        confirmStyle: 'positive',
      });
    case 'change':
      return renderCard(confirmTemplate, {
        ...common,
        summary: `From now on, ${org}'s charges go to ${step.to?.name} instead of ${step.from?.name}. Paid quantities, pipelines, service connections and users stay as they are.`,
        warning: '',
        acknowledgement: '',
        confirmTitle: 'Change billing',
        confirmStyle: 'positive',
      });
    case 'remove':
      return renderCard(confirmTemplate, {
        ...common,
        summary: `${step.from?.name ?? 'The subscription'} will stop paying for ${org}.`,
        warning: `${org}'s paid quantities fall back to the free tier at once: 5 Basic users, 1 Microsoft-hosted and 1 self-hosted parallel job, 2 GiB of Artifacts storage. Artifacts storage above 2 GiB becomes read-only.` +
          (step.quantities ? ` Everything ${org} pays for now is set back to zero: ${paidQuantitiesText(step.quantities.from)}.` : ''),
        acknowledgement: `I understand that ${org} falls back to the free tier at once.`,
        confirmTitle: 'Remove billing',
        confirmStyle: 'destructive',
      });
  }
}

export function resultCard(kind: FlowKind, change: BillingChange): CardJson {
  const facts: Fact[] = [{ title: 'Organization', value: change.organization.name }];
  if (change.from) facts.push({ title: kind === 'remove' ? 'Was paid by' : 'From', value: `${change.from.name} (${change.from.id})` });
  if (change.to) facts.push({ title: kind === 'change' ? 'To' : 'Subscription', value: `${change.to.name} (${change.to.id})` });
  if (change.quantities) facts.push(...quantityChangeFacts(change.quantities));
  facts.push({ title: 'By', value: change.by.name }, { title: 'When', value: formatWhen(change.at) });
  const org = change.organization.name;
  const quantities = change.quantities;
  const summary = {
    setup: `${change.to?.name} now pays for ${org}. You are its primary billing manager.` +
      (quantities ? ` Your purchase is made: ${paidSummary(org, quantities.to)}` : ''),
    change: `${org}'s charges now go to ${change.to?.name}.`,
    remove: `${org} has no billing now and is on the free tier.` +
      (quantities ? ` Its paid quantities were set back to zero; it paid for ${paidQuantitiesText(quantities.from)}.` : ''),
  }[kind];
  const soleManager = change.managers?.length === 1 ? change.managers[0] : undefined;
  return renderCard(resultTemplate, {
    title: { setup: 'Billing is set up', change: 'Billing changed', remove: 'Billing removed' }[kind],
    facts,
    summary,
    notes: [
      ...(kind === 'change' && change.from ? [leftoverNote(change.organization.id, change.from.name)] : []),
      ...notificationNotes(change.notifications),
      'Type "status" at any time to see billing for all your organizations.',
    ],
    warnings: soleManager ? [singleManagerWarning(org, soleManager.name)] : [],
    addManagerOrganizationId: soleManager ? change.organization.id : '',
  });
}

/** After a change of subscription: what is left in the old one, and when it may go. */
export function leftoverNote(organizationId: string, oldSubscription: string): string {
  return `The resource group ${leftoverResourceGroupName(organizationId)} stays behind in ${oldSubscription}. Now that the change is done it may be deleted; never delete it before a change of subscription, since deleting the organization's resource drops it to the free tier.`;
}

/** How an offer (quotaId) reads: the kinds of subscription BILLING.md names, or the id itself. */
export function offerName(quotaId: string): string {
  const known: readonly (readonly [RegExp, string])[] = [
    [/^PayAsYouGo_/i, 'pay-as-you-go'],
    [/^EnterpriseAgreement_/i, 'Enterprise Agreement'],
    [/^CSP_/i, 'CSP'],
    [/^Sponsored_/i, 'sponsorship'],
    [/^MSDN_/i, 'Visual Studio subscription'],
    [/^FreeTrial_/i, 'free trial'],
    [/^AzurePass_/i, 'Azure Pass'],
  ];
  return known.find(([pattern]) => pattern.test(quotaId))?.[1] ?? quotaId;
}
