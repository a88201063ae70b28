import type {
  BillingChange, ConfirmStep, FlowView, OrganizationOption, OrganizationStatus, OrganizationStep, PendingBillingChange, SubscriptionOption,
  SubscriptionStep,
} from '../../../src/billing/views';
import type { FlowKind } from '../../../src/domain/model';

/** Realistic view data, as BillingService hands it to the card builders. */

export const FLOW_ID = '7f6c1e0a-3b7d-4a53-9a55-2f1f0c8e6d41';
export const KINDS: readonly FlowKind[] = ['setup', 'change', 'remove'];

export function flow(kind: FlowKind): FlowView {
  return { id: FLOW_ID, kind, expiresAt: '2026-03-02T10:15:00.000Z' };
}

export const PAYG = { id: '41cc4f36-a157-4ec6-97a4-346cb65c3452', name: 'Contoso Pay-As-You-Go' };
export const EA = { id: '263c2b1d-447c-44ad-b793-40363e9f4870', name: 'Contoso Enterprise Agreement' };
export const WEB = { id: 'org-contoso-web', name: 'contoso-web' };

export const SELECTABLE_ORG: OrganizationOption = { ...WEB, selectable: true };
export const LINKED_ORG: OrganizationOption = { id: 'org-contoso-mobile', name: 'contoso-mobile', selectable: true, currentSubscription: PAYG };
export const UNAVAILABLE_ORG: OrganizationOption = {
  id: 'org-contoso-data',
  name: 'contoso-data',
  selectable: false,
  reason: 'Only project collection administrators can set up billing. Ask Adele Vance (the organization owner) to make you one, or to do it.',
};

export function organizationStep(kind: FlowKind, organizations: readonly OrganizationOption[]): OrganizationStep {
  return { flow: flow(kind), organizations };
}

export function manyOrganizations(count: number): OrganizationOption[] {
  return Array.from({ length: count }, (_, i) => ({ id: `org-${i}`, name: `fabrikam-team-${i}`, selectable: true }));
}

export const SELECTABLE_SUB: SubscriptionOption = { ...EA, offer: 'EnterpriseAgreement_2014-09-01', roles: ['Contributor'], selectable: true, problems: [] };
export const FREE_TRIAL_SUB: SubscriptionOption = {
  id: '54bdf84a-f09a-4e88-834e-f9a0416c0b7c',
  name: 'Free Trial',
  offer: 'FreeTrial_2014-09-01',
  roles: ['Owner'],
  selectable: false,
  problems: [
    { reason: 'It is a free trial, and free trials cannot pay for Azure DevOps.', fix: 'Upgrade it to pay-as-you-go in the Azure portal, or pick another subscription.' },
    { reason: 'It has a spending limit, which blocks Azure DevOps charges.', fix: 'Remove the spending limit indefinitely in the Azure portal, then try again.' },
  ],
};
export const NO_ROLE_SUB: SubscriptionOption = {
  id: '5b603996-1436-4729-a436-ef695bfb952c',
  name: 'Contoso Shared Services',
  offer: 'PayAsYouGo_2014-09-01',
  roles: ['Reader'],
  selectable: false,
  problems: [{ reason: 'You are neither Owner nor Contributor on it.', fix: 'Ask Megan Bowen (Owner) to grant you Contributor on it.' }],
};

export function subscriptionStep(kind: FlowKind, subscriptions: readonly SubscriptionOption[], current?: typeof PAYG): SubscriptionStep {
  return { flow: flow(kind), organization: WEB, ...(current ? { current } : {}), subscriptions };
}

export function manySubscriptions(count: number): SubscriptionOption[] {
  return Array.from({ length: count }, (_, i) => ({ id: `sub-${i}`, name: `Team ${i} PAYG`, offer: 'PayAsYouGo_2014-09-01', roles: ['Owner'], selectable: true, problems: [] }));
}

export function confirmStep(kind: FlowKind): ConfirmStep {
  switch (kind) {
    case 'setup':
      return { flow: flow(kind), organization: WEB, to: PAYG };
    case 'change':
      return { flow: flow(kind), organization: WEB, from: PAYG, to: EA };
    case 'remove':
      return { flow: flow(kind), organization: WEB, from: PAYG };
  }
}

const ALEX = { id: 'user-alex', name: 'Alex Wilber' };
const MEGAN = { id: 'user-megan', name: 'Megan Bowen' };

/** Made by Alex; Megan manages billing too and is being told. */
export function change(kind: FlowKind): BillingChange {
  return {
    ...confirmStep(kind),
    flow: flow(kind),
    by: ALEX,
    at: '2026-03-02T10:04:31.000Z',
    notifications: { recipients: [{ person: MEGAN, reach: 'chat' }] },
    managers: kind === 'remove' ? undefined : [ALEX, MEGAN],
  };
}

/** A change the user makes on the organization's Billing settings page (DIRECTORY=azure), before and after a "Check again". */
export function pendingChange(kind: FlowKind, notYet?: string): PendingBillingChange {
  return {
    ...confirmStep(kind),
    pending: true,
    url: 'https://dev.azure.com/contoso-web/_settings/billing',
    instruction: 'Choose "Change billing" and pick Contoso Enterprise Agreement.',
    ...(notYet ? { notYet } : {}),
  };
}

export const STATUS_DETAILS: OrganizationStatus = {
  organization: WEB,
  access: 'project-collection-administrator',
  linked: true,
  detailsVisible: true,
  subscription: PAYG,
  setUpBy: { id: 'user-alex', name: 'Alex Wilber' },
  setUpAt: '2026-01-15T08:30:00.000Z',
  changedBy: { id: 'user-megan', name: 'Megan Bowen' },
  changedAt: '2026-02-01T17:45:00.000Z',
  warnings: ['Contoso Pay-As-You-Go is not active any more, so this organization has fallen back to the free tier. Reactivate the subscription or change billing.'],
};
export const STATUS_MEMBER: OrganizationStatus = {
  organization: { id: 'org-contoso-data', name: 'contoso-data' },
  access: 'member',
  linked: true,
  detailsVisible: false,
  setUpBy: { id: 'user-adele', name: 'Adele Vance' },
  warnings: [],
};
export const STATUS_NOT_LINKED: OrganizationStatus = {
  organization: { id: 'org-contoso-mobile', name: 'contoso-mobile' },
  access: 'project-collection-administrator',
  linked: false,
  detailsVisible: true,
  warnings: [],
};

export const COMMANDS = [
  { name: 'set up billing', description: 'Link an organization to the Azure subscription that pays for it.' },
  { name: 'change billing', description: 'Move an organization to another subscription.' },
  { name: 'remove billing', description: 'Stop paying for an organization: it falls back to the free tier.' },
  { name: 'status', description: 'See billing for all your organizations.' },
  { name: 'help', description: 'Show this list.' },
];
