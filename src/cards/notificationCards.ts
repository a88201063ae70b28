import type { ChangeEvent, ManagerEvent, NamedRef, RecordedQuantities } from '../domain/changeEvent';
import type { OutboxEntry } from '../domain/model';
import { formatWhen } from '../domain/when';
import { formatUsd } from './money';
import { changeNotificationTemplate, managerWelcomeTemplate } from './managerTemplates';
import { renderCard, type CardJson } from './render';
import { safeText } from './safeText';
import type { Fact } from './templates';

/** A proactive message: the card, and the line Teams shows in the activity feed. */
export interface NotificationMessage {
  readonly card: CardJson;
  readonly summary: string;
}

/** The card one outbox entry becomes: what changed, from what to what, who did it, when. */
export function notificationMessage(entry: OutboxEntry): NotificationMessage {
  const event = entry.event;
  if (entry.card === 'welcome' && event.kind === 'manager.add') return welcome(event);
  const { title, summary, facts } = describe(event, entry.recipientId);
  const why = event.kind === 'manager.remove' && event.person.id === entry.recipientId
    ? 'You get this because the change concerns you.'
    : `You get this because you are a billing manager of ${event.organization.name}. Type "managers" to see who else is.`;
  return {
    card: renderCard(changeNotificationTemplate, {
      title,
      summary,
      facts: [...facts, { title: 'By', value: event.actor.name }, { title: 'When', value: formatWhen(event.at) }],
      why,
      organizationId: event.organization.id,
    }),
    summary: feedLine(summary),
  };
}

/**
 * Several changes to one organization, told to one person in one message: a line for each, oldest
 * first, with who made it and when. Every entry is about the same organization and recipient.
 */
export function notificationDigest(entries: readonly OutboxEntry[]): NotificationMessage {
  const first = entries[0];
  if (!first) throw new RangeError('A digest needs at least one change.');
  if (entries.length === 1) return notificationMessage(first);
  const org = first.event.organization.name;
  const events = entries.map((entry) => entry.event);
  const actors = [...new Set(events.map((event) => event.actor.name))];
  const summary = `${actors.join(', ')} made ${entries.length} changes to billing of ${org}.`;
  const concernsYou = events.some((event) => (event.kind === 'manager.remove' || event.kind === 'manager.add') && event.person.id === first.recipientId);
  return {
    card: renderCard(changeNotificationTemplate, {
      title: `${entries.length} changes to billing of ${org}`,
      summary,
      facts: entries.map((entry) => {
        const { title, facts } = describe(entry.event, entry.recipientId);
        const details = facts.filter((fact) => fact.title !== 'Organization').map((fact) => `${fact.title}: ${fact.value}`);
        return { title: formatWhen(entry.event.at), value: `${entry.event.actor.name}: ${[title, ...details].join('; ')}` };
      }),
      why: concernsYou
        ? 'You get this because one of the changes concerns you.'
        : `You get this because you are a billing manager of ${org}. Type "managers" to see who else is.`,
      organizationId: first.event.organization.id,
    }),
    summary: feedLine(summary),
  };
}

/** The activity feed shows the summary as plain text, outside the card: names in it get the controls and length step. */
function feedLine(summary: string): string {
  return safeText(summary, { markdown: false });
}

function describe(event: ChangeEvent, recipientId: string): { title: string; summary: string; facts: Fact[] } {
  const org = event.organization.name;
  const orgFact: Fact = { title: 'Organization', value: org };
  switch (event.kind) {
    case 'billing.setup':
      return {
        title: `Billing set up for ${org}`,
        summary: `${event.actor.name} set up billing: ${name(event.to)} now pays for ${org}.` +
          (event.quantities ? ' A first purchase of paid quantities was made with it.' : ''),
        facts: [orgFact, { title: 'Paid by', value: subscription(event.to) }, ...quantityFacts(event.quantities)],
      };
    case 'billing.change':
      return {
        title: `Billing of ${org} moved`,
        summary: `${event.actor.name} moved ${org}'s charges from ${name(event.from)} to ${name(event.to)}. Paid quantities stay as they were.`,
        facts: [orgFact, { title: 'From', value: subscription(event.from) }, { title: 'To', value: subscription(event.to) }],
      };
    case 'billing.remove':
      return {
        title: `Billing removed from ${org}`,
        summary: `${event.actor.name} removed billing: ${name(event.from)} no longer pays for ${org}, which is on the free tier now.` +
          (event.quantities ? ' Its paid quantities were set back to zero.' : ''),
        facts: [orgFact, { title: 'Was paid by', value: subscription(event.from) }, ...quantityFacts(event.quantities)],
      };
    case 'quantities.change':
      return {
        title: `Paid quantities of ${org} changed`,
        summary: `${event.actor.name} changed what ${org} buys, paid by ${event.subscription.name}.`,
        facts: [orgFact, ...quantityFacts(event)],
      };
    case 'manager.add':
      return {
        title: `New billing manager for ${org}`,
        summary: `${event.actor.name} made ${event.person.name} a billing manager of ${org} (${event.roles.join(', ')} on ${event.subscription.name}).`,
        facts: [orgFact, { title: 'New manager', value: event.person.name }, { title: 'Role', value: `none → ${event.roles.join(', ')}` }],
      };
    case 'manager.remove': {
      const you = event.person.id === recipientId;
      return {
        title: you ? `You no longer manage billing of ${org}` : `${event.person.name} no longer manages billing of ${org}`,
        summary: `${event.actor.name} took away ${you ? 'your' : `${event.person.name}'s`} ${event.roles.join(' and ')} role on ${event.subscription.name}.`,
        facts: [orgFact, { title: 'Manager', value: event.person.name }, { title: 'Role', value: `${event.roles.join(', ')} → none` }],
      };
    }
    case 'access.change': {
      const count = event.people.length;
      return {
        title: `${count === 1 ? 'A user' : `${count} users`} of ${org} made Stakeholder`,
        summary: count === 1
          ? `${event.actor.name} made a paid user of ${org} a Stakeholder, who is free, because they had not signed in for a while.`
          : `${event.actor.name} made ${count} paid users of ${org} Stakeholders, who are free, because they had not signed in for a while.`,
        facts: [
          orgFact,
          ...event.people.map((person) => ({ title: person.name, value: `${person.from} → Stakeholder` })),
          { title: 'Users a month', value: `${formatUsd(event.monthlyCents.from)} → ${formatUsd(event.monthlyCents.to)} (list price)` },
        ],
      };
    }
  }
}

function welcome(event: ManagerEvent): NotificationMessage {
  const org = event.organization.name;
  const summary = `${event.actor.name} made you a billing manager of ${org}.`;
  return {
    card: renderCard(managerWelcomeTemplate, {
      title: `You are now a billing manager of ${org}`,
      why: `${event.actor.name} chose you as a backup billing manager of ${org}, so that its billing keeps working if the person who manages it today is away or leaves. Microsoft recommends that every organization has more than one.`,
      facts: [
        { title: 'Organization', value: org },
        { title: 'Subscription', value: `${event.subscription.name} (${event.subscription.id})` },
        { title: 'Your role', value: event.roles.join(', ') },
        { title: 'Since', value: formatWhen(event.at) },
      ],
      abilities: [
        { title: 'status', value: 'See billing of every organization you belong to.' },
        { title: 'managers', value: 'See who else manages billing, and whether the bot can reach them.' },
        { title: 'change billing', value: 'Move the organization to another subscription you manage.' },
        { title: 'remove billing', value: 'Stop billing; paid features fall back to the free tier.' },
        ...(event.roles.includes('Owner') ? [{ title: 'add manager', value: 'Add another backup billing manager.' }] : []),
      ],
      footer: 'From now on you get a message here whenever billing of this organization changes.',
      organizationId: event.organization.id,
    }),
    summary: feedLine(summary),
  };
}

/** One fact per meter that changed, then the monthly list-price estimate before and after. */
function quantityFacts(quantities: RecordedQuantities | undefined): Fact[] {
  if (!quantities) return [];
  const facts: Fact[] = quantities.changes.map((c) => ({ title: c.what, value: `${c.from} → ${c.to}` }));
  const estimate = quantities.monthlyCents;
  if (estimate) facts.push({ title: 'Monthly estimate', value: `${formatUsd(estimate.from)} → ${formatUsd(estimate.to)} (list price)` });
  return facts;
}

function name(subscription: NamedRef | undefined): string {
  return subscription?.name ?? 'the subscription';
}

function subscription(subscription: NamedRef | undefined): string {
  return subscription ? `${subscription.name} (${subscription.id})` : '—';
}
