import type { Subscription } from '../domain/directory';
import type { IneligibilityCode } from './eligibility';

export interface Explanation {
  readonly reason: string;
  readonly fix: string;
}

/**
 * The words a user reads when a subscription is not offered. `ownerNames` are the subscription's
 * Owners, named so the user knows whom to ask for a role.
 */
export function explainIneligibility(code: IneligibilityCode, subscription: Subscription, ownerNames: readonly string[]): Explanation {
  switch (code) {
    case 'free-trial':
      return {
        reason: 'It is a free trial, and free trials cannot pay for Azure DevOps.',
        fix: 'Upgrade it to pay-as-you-go in the Azure portal, or pick another subscription.',
      };
    case 'spending-limit':
      return {
        reason: subscription.spendingLimit === 'CurrentPeriodOff'
          ? 'Its spending limit is off only for the current billing period; it comes back on next period.'
          : 'It has a spending limit, which blocks Azure DevOps charges.',
        fix: 'Remove the spending limit indefinitely in the Azure portal, then try again.',
      };
    case 'not-active':
      return {
        reason: stateReason(subscription),
        fix: subscription.state === 'Deleted'
          ? 'It cannot be used any more; pick another subscription.'
          : 'Reactivate it or settle its balance in the Azure portal, then try again.',
      };
    case 'other-tenant':
      return {
        reason: "It belongs to another Microsoft Entra tenant than the organization.",
        fix: "Pick a subscription in the organization's tenant, or move the subscription to that tenant.",
      };
    case 'missing-role':
      return {
        reason: 'You are neither Owner nor Contributor on it.',
        fix: ownerNames.length > 0
          ? `Ask ${joinNames(ownerNames)} (Owner) to grant you Contributor on it.`
          : 'Ask an Owner of the subscription to grant you Contributor on it.',
      };
  }
}

function stateReason(subscription: Subscription): string {
  if (subscription.state === 'Unknown') {
    return `Azure reports its state as "${subscription.reportedState ?? 'unknown'}", which I do not know, so I do not take it for active.`;
  }
  return `It is ${subscription.state === 'PastDue' ? 'past due' : subscription.state.toLowerCase()}, not active.`;
}

/** Said of a subscription whose spending limit Azure did not report: it may still have one. */
export function spendingLimitNotKnown(name: string): string {
  return `Azure did not say whether ${name} has a spending limit. If it has one, it blocks Azure DevOps charges: check it in the Azure portal (the subscription's Overview).`;
}

/** "A", "A or B", "A, B or C": who to ask. */
export function joinNames(names: readonly string[], conjunction = 'or'): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}`;
}
