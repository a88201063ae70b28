import type { ManagerFlowKind } from '../domain/model';
import type {
  ManagerChange, ManagerConfirmStep, ManagerOrganizationStep, ManagerPersonStep, ManagerRoleStep, ManagerView, OrganizationManagers, PersonOption,
} from '../billing/managerViews';
import type { ReachView } from '../billing/managers/reach';
import { choiceStyleFor, organizationChoiceFields } from './format';
import { formatWhen } from '../domain/when';
import {
  managerConfirmTemplate, managerOrganizationPickerTemplate, managerPersonPickerTemplate, managerRolePickerTemplate, managersTemplate,
} from './managerTemplates';
import { notificationNotes } from './notificationNotes';
import { renderCard, type CardJson } from './render';
import { resultTemplate, type Fact } from './templates';

const TITLE: Record<ManagerFlowKind, string> = { add: 'Add a billing manager', remove: 'Remove a billing manager' };
const STEPS: Record<ManagerFlowKind, number> = { add: 4, remove: 3 };

function stepLabel(kind: ManagerFlowKind, step: number, what: string): string {
  return `Step ${step} of ${STEPS[kind]}: ${what}`;
}

/** `shared`: the card is shown in a group chat or channel, so only what every member may see is on it. */
export function managersCard(organizations: readonly OrganizationManagers[], shared = false): CardJson {
  const intro = organizations.length === 0
    ? 'You do not belong to any Azure DevOps organization in this directory.'
    : 'Billing managers hold Owner or Contributor on the subscription that pays for an organization.';
  return renderCard(managersTemplate, {
    intro: shared && organizations.length > 0
      ? `${intro} This chat is shared, so I show only who they are; type "managers" in our personal chat for subscriptions and whether I can reach them.`
      : intro,
    organizations: organizations.map((o) => ({
      id: o.organization.id,
      name: o.organization.name,
      headline: managersHeadline(o),
      managers: o.managers.map((m) => ({ title: `${m.person.name} (${m.roles.join(', ')})`, lines: managerLines(m) })),
      warnings: [...o.warnings],
      canChange: o.canChange,
    })),
  });
}

function managersHeadline(o: OrganizationManagers): string {
  if (o.unreadable) return `Could not read this organization: ${o.unreadable}`;
  if (!o.linked) return 'Billing is not set up, so it has no billing managers.';
  return o.subscription ? `Paid by ${o.subscription.name} (${o.subscription.id}).` : 'Billing is set up.';
}

function managerLines(m: ManagerView): string[] {
  const lines = m.email ? [m.email] : [];
  lines.push(...(m.roleNotes ?? []));
  if (m.primary) lines.push('Set billing up: the primary billing manager.');
  if (m.addedBy) lines.push(`Backup billing manager, added by ${m.addedBy.name}${m.addedAt ? ` on ${formatWhen(m.addedAt)}` : ''}.`);
  if (m.reach) lines.push(reachLine(m.reach));
  return lines;
}

function reachLine(reach: ReachView): string {
  switch (reach.state) {
    case 'delivered':
      return `Reachable in Teams: last notification delivered ${formatWhen(reach.at ?? '')}.`;
    case 'chat':
      return 'Reachable in Teams: has a chat with the bot.';
    case 'unknown':
      return 'Not contacted yet: the bot starts a chat with them when there is news.';
    case 'unreachable':
      return `Cannot be reached in Teams (${formatWhen(reach.at ?? '')}): ${reach.reason ?? 'the last notification failed'}`;
    case 'retrying':
      return `Not reached yet: the last attempt failed (${reach.reason ?? 'no answer'}); the bot keeps trying.`;
  }
}

export function managerOrganizationPickerCard(step: ManagerOrganizationStep): CardJson {
  const kind = step.flow.kind;
  const choices = step.organizations.filter((o) => o.selectable).map((o) => ({ title: o.name, value: o.id }));
  const unavailable = step.organizations.filter((o) => !o.selectable).map((o) => ({ name: o.name, reason: o.reason ?? '' }));
  return renderCard(managerOrganizationPickerTemplate, {
    title: TITLE[kind],
    step: stepLabel(kind, 1, 'organization'),
    prompt: choices.length > 0
      ? kind === 'add' ? 'For which organization should someone else be able to manage billing?' : 'From which organization should a billing manager be removed?'
      : step.organizations.length === 0
        ? 'You do not belong to any Azure DevOps organization in this directory, so there is nothing to do here.'
        : 'There is no organization where you can do this right now. The reasons, and who can help, are below.',
    flowId: step.flow.id,
    ...organizationChoiceFields(choices, unavailable),
  });
}

/** The dataset of a person picker's typeahead: the flow it belongs to travels with each search. */
export function peopleDataset(flowId: string): string {
  return `${PEOPLE_DATASET_PREFIX}${flowId}`;
}

export const PEOPLE_DATASET_PREFIX = 'people:';

/** How a person reads in the picker and in its typeahead's results. */
export function personChoiceTitle(p: PersonOption, kind: ManagerFlowKind): string {
  const guest = p.guest === 'invitation-pending' ? ', guest, invitation pending' : p.guest === 'accepted' ? ', guest' : '';
  return `${p.name} (${p.email})${guest}${kind === 'remove' ? `, ${p.roles.join(' and ')}` : ''}`;
}

export function managerPersonPickerCard(step: ManagerPersonStep): CardJson {
  const kind = step.flow.kind;
  const searchable = step.searchable === true;
  const choices = step.people.map((p) => ({ title: personChoiceTitle(p, kind), value: p.id }));
  const shown = step.people.length;
  const prompt = step.emptyReason
    ? step.emptyReason
    : searchable
      ? `Who should become a billing manager? Type part of a name or email address to search the people and guests of ${step.tenant.name}.`
      : shown === 0
        ? `Nobody matches "${step.filter}". Change the filter and press Filter.`
        : kind === 'add'
          ? `Who should become a billing manager? People of ${step.tenant.name}${step.matching > shown ? ` (showing ${shown} of ${step.matching}; filter to narrow the list)` : ''}:`
          : `Whose billing role should be taken away?${step.matching > shown ? ` (showing ${shown} of ${step.matching}; filter to narrow the list)` : ''}`;
  return renderCard(managerPersonPickerTemplate, {
    title: TITLE[kind],
    step: stepLabel(kind, 2, 'person'),
    facts: [
      { title: 'Organization', value: step.organization.name },
      { title: 'Subscription', value: `${step.subscription.name} (${step.subscription.id})` },
    ],
    prompt,
    flowId: step.flow.id,
    // The filter earns its place only on a long list, or once someone has used it; a search needs none.
    showFilter: !searchable && !step.emptyReason && (step.matching > 6 || step.filter !== ''),
    filter: step.filter,
    choiceStyle: choiceStyleFor(choices.length),
    defaultChoice: choices.length === 1 && !searchable ? (choices[0]?.value ?? '') : '',
    choices,
    searchable,
    dataset: peopleDataset(step.flow.id),
    unavailableHeading: kind === 'add' ? 'Already billing managers' : 'Cannot be removed',
    unavailable: step.unavailable,
  });
}

export function managerRolePickerCard(step: ManagerRoleStep): CardJson {
  return renderCard(managerRolePickerTemplate, {
    title: TITLE.add,
    step: stepLabel('add', 3, 'role'),
    facts: [
      { title: 'Organization', value: step.organization.name },
      { title: 'Subscription', value: `${step.subscription.name} (${step.subscription.id})` },
      { title: 'Person', value: step.person.name },
    ],
    prompt: `Which role should ${step.person.name} get on ${step.subscription.name}?`,
    flowId: step.flow.id,
    choices: [
      { title: 'Contributor: can set up, change and remove billing and change paid quantities (recommended)', value: 'Contributor' },
      { title: 'Owner: all of that, and can also add and remove billing managers', value: 'Owner' },
    ],
  });
}

export function managerConfirmCard(step: ManagerConfirmStep): CardJson {
  const kind = step.flow.kind;
  const facts: Fact[] = [
    { title: 'Organization', value: step.organization.name },
    { title: 'Subscription', value: `${step.subscription.name} (${step.subscription.id})` },
    { title: 'Person', value: step.person.name },
    { title: kind === 'add' ? 'Role to grant' : 'Roles to take away', value: step.roles.join(', ') },
  ];
  const common = { title: TITLE[kind], step: stepLabel(kind, STEPS[kind], 'confirm'), facts, flowId: step.flow.id };
  if (kind === 'add') {
    return renderCard(managerConfirmTemplate, {
      ...common,
      summary: `${step.person.name} gets ${step.roles.join(', ')} on ${step.subscription.name}, which makes them a billing manager of ${step.organization.name}. They get a welcome message in Teams, and the other billing managers are told.`,
      warning: '',
      confirmTitle: 'Add billing manager',
      confirmStyle: 'positive',
    });
  }
  return renderCard(managerConfirmTemplate, {
    ...common,
    summary: `${step.self ? 'You lose' : `${step.person.name} loses`} ${step.roles.join(' and ')} on ${step.subscription.name} and can no longer manage billing of ${step.organization.name}. ${step.self ? 'The other billing managers are told.' : `${step.person.name} and the other billing managers are told.`}`,
    warning: step.self ? 'You are removing yourself: you cannot undo this on your own.' : '',
    confirmTitle: 'Remove billing manager',
    confirmStyle: 'destructive',
  });
}

export function managerResultCard(change: ManagerChange): CardJson {
  const kind = change.flow.kind;
  const facts: Fact[] = [
    { title: 'Organization', value: change.organization.name },
    { title: 'Subscription', value: `${change.subscription.name} (${change.subscription.id})` },
    { title: 'Person', value: change.person.name },
    { title: kind === 'add' ? 'Role granted' : 'Roles taken away', value: change.roles.join(', ') },
    { title: 'By', value: change.by.name },
    { title: 'When', value: formatWhen(change.at) },
    { title: 'Billing managers now', value: change.managers.map((m) => m.name).join(', ') || 'nobody' },
  ];
  return renderCard(resultTemplate, {
    title: kind === 'add' ? 'Billing manager added' : 'Billing manager removed',
    facts,
    summary: kind === 'add'
      ? `${change.person.name} is now a billing manager of ${change.organization.name}.`
      : `${change.self ? 'You are' : `${change.person.name} is`} no longer a billing manager of ${change.organization.name}.`,
    notes: notificationNotes(change.notifications),
    warnings: [],
    addManagerOrganizationId: '',
  });
}
