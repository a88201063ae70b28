import { joinNames } from '../billing/explanations';
import { wholeNumberText } from '../billing/meters';
import { FREE_BASIC_USERS } from '../billing/usage/userCharges';
import type { InactiveUser, StakeholderReview, StakeholdersChanged, UsersOrganizationStep, UsersOverview } from '../billing/users/usersViews';
import { formatWhen } from '../domain/when';
import { billedOrganizationChoices, organizationChoiceFields } from './format';
import { formatUsd } from './money';
import { notificationNotes } from './notificationNotes';
import { renderCard, type CardJson } from './render';
import { resultTemplate } from './templates';
import { accessModelTemplate, usersConfirmTemplate, usersOrganizationPickerTemplate, usersTemplate } from './usersTemplates';

const TITLE = 'Users and what they cost';

export const USERS_FOOTNOTE =
  'Amounts are list-price estimates in USD a month (Basic 6, Basic + Test Plans 52; Stakeholders and Visual Studio subscribers free). Users are billed for the access level assigned to them, from the day it is assigned, pro-rated daily.';

export function usersOrganizationPickerCard(step: UsersOrganizationStep): CardJson {
  const { choices, unavailable } = billedOrganizationChoices(step.organizations);
  const prompt = choices.length > 0
    ? 'Whose users do you want to see?'
    : step.organizations.length === 0
      ? 'You do not belong to any Azure DevOps organization in this directory, and manage no subscription that pays for one.'
      : 'There is no organization whose users you may see. The reasons, and who can help, are below.';
  return renderCard(usersOrganizationPickerTemplate, {
    title: TITLE,
    step: 'Step 1: organization',
    prompt,
    flowId: step.flow.id,
    ...organizationChoiceFields(choices, unavailable),
  });
}

export function usersCard(overview: UsersOverview): CardJson {
  const org = overview.organization.name;
  const base = {
    title: `Users of ${org}`,
    flowId: overview.flow.id,
    footnote: USERS_FOOTNOTE,
    problems: overview.problems,
  };
  if (!overview.usageKnown) {
    return renderCard(usersTemplate, {
      ...base,
      intro: `I do not know who has which access level in ${org}: the directory I use does not say. See them on the organization's Users page in Azure DevOps (Organization settings → Users).`,
      facts: [], notes: [], warnings: [], inactiveHeading: '', inactiveIntro: '', choices: [], ticked: '', readOnly: [], pageNote: '', previousPage: -1, nextPage: -1,
    });
  }
  const { counts } = overview;
  const free = overview.sharedWith.length > 0
    ? `${overview.freeBasicUsed} of ${FREE_BASIC_USERS} free, shared with ${joinNames(overview.sharedWith, 'and')} under multi-organization billing`
    : `${overview.freeBasicUsed} of ${FREE_BASIC_USERS} free`;
  const paidBasic = overview.billedBasic - overview.freeBasicUsed;
  const tickable = overview.canChange ? overview.inactive.filter((u) => u.blocked === undefined) : [];
  const readOnly = overview.inactive.filter((u) => !tickable.includes(u));
  return renderCard(usersTemplate, {
    ...base,
    intro: `Azure DevOps bills each user for the access level assigned to them. Here is who ${org} pays for${overview.billedBy ? `, through ${overview.billedBy.name}` : ''}.`,
    facts: [
      { title: 'Basic', value: `${wholeNumberText(counts.basic)} (${free}; ${wholeNumberText(Math.max(0, paidBasic))} paid)` },
      { title: 'Basic + Test Plans', value: wholeNumberText(counts.basicTestPlans) },
      { title: 'Stakeholders', value: `${wholeNumberText(counts.stakeholder)} (free)` },
      { title: 'Visual Studio subscribers', value: `${wholeNumberText(counts.visualStudio)} (free: their subscription pays)` },
      { title: 'This month', value: `${formatUsd(overview.monthlyCents)} for users${overview.sharedWith.length > 0 ? ` of ${org} and ${joinNames(overview.sharedWith, 'and')} together` : ''}` },
    ],
    notes: overview.sharedWith.length > 0 ? [`Under multi-organization billing a person in several of these organizations pays once, at the highest level they hold.`] : [],
    warnings: [],
    inactiveHeading: overview.inactiveTotal > 0 ? `Paid users who have not signed in for ${overview.inactiveDays} days (${wholeNumberText(overview.inactiveTotal)})` : '',
    inactiveIntro: inactiveIntro(overview),
    choices: tickable.map((u) => ({ title: choiceTitle(u), value: u.id })),
    ticked: tickable.filter((u) => u.selected).map((u) => u.id).join(','),
    readOnly: readOnly.map((u) => ({ name: u.name, details: `${describeInactive(u)}. ${u.blocked ?? `Only project collection administrators can change it: ask ${joinNames(overview.whoCanChange) || 'the organization owner'}.`}` })),
    pageNote: overview.pages > 1
      ? `Page ${overview.page + 1} of ${overview.pages}.${overview.selectedElsewhere > 0 ? ` ${overview.selectedElsewhere} ticked on other pages stay ticked.` : ''}`
      : '',
    previousPage: overview.page > 0 ? overview.page - 1 : -1,
    nextPage: overview.page + 1 < overview.pages ? overview.page + 1 : -1,
  });
}

function inactiveIntro(overview: UsersOverview): string {
  if (overview.inactiveTotal === 0) {
    return '';
  }
  const saving = overview.possibleSavingCents > 0
    ? `Making all of them that can be changed Stakeholders would save ${formatUsd(overview.possibleSavingCents)} a month.`
    : 'The free Basic users absorb them now, so making them Stakeholders saves nothing this month, but frees a free place for someone active.';
  const how = overview.canChange
    ? ' Tick those who only need to view work items and dashboards, then press Make Stakeholder; you confirm on the next card.'
    : '';
  return `${saving}${how}`;
}

function choiceTitle(user: InactiveUser): string {
  const saving = user.savingCents > 0 ? `saves ${formatUsd(user.savingCents)} a month` : 'saves nothing now (within the free five)';
  return `${user.name}: ${describeInactive(user)}; ${saving}`;
}

function describeInactive(user: InactiveUser): string {
  return `${user.level}, ${user.lastAccessed === null ? 'never signed in' : `last signed in ${formatWhen(user.lastAccessed).slice(0, 10)}`}`;
}

export function usersConfirmCard(review: StakeholderReview): CardJson {
  const count = review.people.length;
  const difference = review.fromCents - review.toCents;
  return renderCard(usersConfirmTemplate, {
    title: count === 1 ? 'Make this user a Stakeholder?' : `Make these ${count} users Stakeholders?`,
    summary: `In ${review.organization.name}:`,
    people: review.people.map((p) => ({ title: p.name, value: `${p.from} → Stakeholder` })),
    estimate: `Users a month: ${formatUsd(review.fromCents)} → ${formatUsd(review.toCents)} (${difference > 0 ? `${formatUsd(difference)} less` : 'no change'}).`,
    effect: 'Stakeholders keep their work items, boards and dashboards, but lose access to code, pipelines and test plans. Billing for them stops from today; you can give them Basic again at any time. The billing managers are told.',
    footnote: USERS_FOOTNOTE,
    confirmTitle: count === 1 ? 'Make Stakeholder' : `Make ${count} Stakeholders`,
    flowId: review.flow.id,
  });
}

export function usersResultCard(change: StakeholdersChanged): CardJson {
  const count = change.people.length;
  return renderCard(resultTemplate, {
    title: count === 1 ? 'Made a Stakeholder' : `Made ${count} Stakeholders`,
    facts: [
      { title: 'Organization', value: change.organization.name },
      ...change.people.map((p) => ({ title: p.name, value: `${p.from} → Stakeholder` })),
      { title: 'Users a month', value: `${formatUsd(change.fromCents)} → ${formatUsd(change.toCents)} (list price)` },
      { title: 'By', value: change.by.name },
      { title: 'When', value: formatWhen(change.at) },
    ],
    summary: `${count === 1 ? 'This user is' : 'These users are'} Stakeholders in ${change.organization.name} now and no longer billed.`,
    notes: [...notificationNotes(change.notifications), 'Type "users" to see the users again.'],
    warnings: [],
    addManagerOrganizationId: '',
  });
}

/** The answer to "buy users": users are not bought any more, they are billed by access level. */
export function accessModelCard(): CardJson {
  return renderCard(accessModelTemplate, {
    title: 'Users are not bought: they are billed by access level',
    paragraphs: [
      'Since 2019–2020 Azure DevOps bills every user for the access level assigned to them, from the day it is assigned (a group rule bills from the user\'s first sign-in). There are no user seats to buy: to pay for another user, give them Basic; to stop paying, make them a Stakeholder or remove them.',
      `The first ${FREE_BASIC_USERS} Basic users of an organization are free (of a subscription, under multi-organization billing), and Stakeholders and Visual Studio subscribers are never billed. Access levels are set by project collection administrators on the organization's Users page, or here for inactive users.`,
    ],
    levels: [
      { title: 'Stakeholder', value: 'free, unlimited: work items, boards, dashboards' },
      { title: 'Basic', value: `${FREE_BASIC_USERS} free, then 6 USD a user a month (list price)` },
      { title: 'Basic + Test Plans', value: '52 USD a user a month (list price)' },
      { title: 'Visual Studio subscriber', value: 'free: the subscription pays' },
    ],
  });
}
