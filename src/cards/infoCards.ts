import type { OrganizationStatus } from '../billing/views';
import { formatWhen } from '../domain/when';
import { paidQuantitiesText } from './quantityCards';
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
    footer: 'Only project collection administrators can change billing, and only with a subscription on which they are Owner or Contributor. Paid quantities can be changed by the Owners and Contributors of the subscription that pays.',
  });
}

/** `shared`: the card is shown in a group chat or channel, so details were withheld for everyone. */
export function statusCard(statuses: readonly OrganizationStatus[], shared = false): CardJson {
  const yours = statuses.length === 0
    ? 'You do not belong to any Azure DevOps organization in this directory.'
    : `Your ${statuses.length === 1 ? 'organization' : `${statuses.length} organizations`}:`;
  return renderCard(statusTemplate, {
    intro: shared
      ? `${yours} This chat is shared, so I show only what every member may see; type "status" in our personal chat for subscriptions and history.`
      : yours,
    organizations: statuses.map((s) => ({
      name: s.organization.name,
      headline: headline(s, shared),
      facts: facts(s),
      warnings: [...s.warnings],
      addManagerOrganizationId: s.soleManager ? s.organization.id : '',
    })),
  });
}

function headline(s: OrganizationStatus, shared: boolean): string {
  if (s.unreadable) return `Could not read this organization: ${s.unreadable}`;
  if (!s.linked) {
    return s.access === 'project-collection-administrator'
      ? 'Billing is not set up: the organization is on the free tier. Type "set up billing" to set it up.'
      : 'Billing is not set up: the organization is on the free tier.';
  }
  if (!s.detailsVisible) {
    const manager = `Billing is set up, managed by ${s.setUpBy?.name ?? 'a billing manager'}.`;
    return shared ? manager : `${manager} Its details are for project collection administrators and billing managers.`;
  }
  return 'Billing is set up.';
}

function facts(s: OrganizationStatus): Fact[] {
  if (!s.linked || !s.detailsVisible) return [];
  const list: Fact[] = [];
  if (s.subscription) list.push({ title: 'Subscription', value: `${s.subscription.name} (${s.subscription.id})` });
  if (s.setUpBy) list.push({ title: 'Set up by', value: `${s.setUpBy.name}${s.setUpAt ? `, ${formatWhen(s.setUpAt)}` : ''}` });
  if (s.changedBy) list.push({ title: 'Last changed by', value: `${s.changedBy.name}${s.changedAt ? `, ${formatWhen(s.changedAt)}` : ''}` });
  if (s.paid) {
    const paid = paidQuantitiesText(s.paid);
    list.push({ title: 'Paid quantities', value: paid ? `${paid}, on top of the free tier` : 'none: the free tier only' });
  }
  return list;
}

/** A read-only answer: a card that has done its job, or a request that changed nothing. */
export function noticeCard(title: string, message: string): CardJson {
  return renderCard(noticeTemplate, { title, message });
}
