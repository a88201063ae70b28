import type { OrganizationStatus } from '../billing/views';
import { formatWhen } from './format';
import { renderCard, type CardJson } from './render';
import { helpTemplate, noticeTemplate, statusTemplate, type Fact } from './templates';

export interface CommandHelp {
  readonly name: string;
  readonly description: string;
}

export function helpCard(commands: readonly CommandHelp[], welcome: boolean): CardJson {
  return renderCard(helpTemplate, {
    title: welcome ? 'Hi! I set up Azure DevOps billing from chat.' : 'What I can do',
    intro: welcome
      ? 'Link an Azure DevOps organization to the Azure subscription that pays for it, change or remove that link, and see billing at a glance. I check every permission before anything changes.'
      : 'Type one of these, here or after @mentioning me in a chat or channel:',
    commands,
    footer: 'Only project collection administrators can change billing, and only with a subscription on which they are Owner or Contributor.',
  });
}

export function statusCard(statuses: readonly OrganizationStatus[]): CardJson {
  return renderCard(statusTemplate, {
    intro: statuses.length === 0
      ? 'You do not belong to any Azure DevOps organization in this directory.'
      : `Your ${statuses.length === 1 ? 'organization' : `${statuses.length} organizations`}:`,
    organizations: statuses.map((s) => ({
      name: s.organization.name,
      headline: headline(s),
      facts: facts(s),
      warnings: [...s.warnings],
      addManagerOrganizationId: s.soleManager ? s.organization.id : '',
    })),
  });
}

function headline(s: OrganizationStatus): string {
  if (!s.linked) {
    return s.access === 'project-collection-administrator'
      ? 'Billing is not set up: the organization is on the free tier. Type "set up billing" to set it up.'
      : 'Billing is not set up: the organization is on the free tier.';
  }
  if (!s.detailsVisible) {
    return `Billing is set up, managed by ${s.setUpBy?.name ?? 'a billing manager'}. Its details are for project collection administrators and billing managers.`;
  }
  return 'Billing is set up.';
}

function facts(s: OrganizationStatus): Fact[] {
  if (!s.linked || !s.detailsVisible) return [];
  const list: Fact[] = [];
  if (s.subscription) list.push({ title: 'Subscription', value: `${s.subscription.name} (${s.subscription.id})` });
  if (s.setUpBy) list.push({ title: 'Set up by', value: `${s.setUpBy.name}${s.setUpAt ? `, ${formatWhen(s.setUpAt)}` : ''}` });
  if (s.changedBy) list.push({ title: 'Last changed by', value: `${s.changedBy.name}${s.changedAt ? `, ${formatWhen(s.changedAt)}` : ''}` });
  return list;
}

/** A read-only answer: a card that has done its job, or a request that changed nothing. */
export function noticeCard(title: string, message: string): CardJson {
  return renderCard(noticeTemplate, { title, message });
}
