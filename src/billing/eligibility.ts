import type { Organization, RoleAssignment, Subscription } from '../domain/directory';
import { isBillingManager } from './roles';

/**
 * Why a subscription cannot pay for an organization (BILLING.md, "When a subscription cannot pay").
 * Each reason is checked independently so the user sees every fix at once, not one per attempt.
 */
export type IneligibilityCode = 'free-trial' | 'spending-limit' | 'not-active' | 'other-tenant' | 'missing-role';

export const FREE_TRIAL_QUOTA_ID = 'FreeTrial_2014-09-01';

/** Problems of the subscription itself, whoever looks at it and for whichever organization. */
export function subscriptionHealthProblems(subscription: Subscription): IneligibilityCode[] {
  const problems: IneligibilityCode[] = [];
  if (subscription.state !== 'Enabled') problems.push('not-active');
  if (subscription.quotaId.toLowerCase() === FREE_TRIAL_QUOTA_ID.toLowerCase()) problems.push('free-trial');
  // A limit Azure did not report may not exist: the pickers and status say to check it, without refusing.
  if (subscription.spendingLimit === 'On' || subscription.spendingLimit === 'CurrentPeriodOff') problems.push('spending-limit');
  return problems;
}

/** Every reason this user cannot make this subscription pay for this organization; empty when it can. */
export function ineligibilityReasons(
  subscription: Subscription,
  organization: Organization,
  userId: string,
  assignments: readonly RoleAssignment[],
): IneligibilityCode[] {
  const problems = subscriptionHealthProblems(subscription);
  if (subscription.tenantId !== organization.tenantId) problems.push('other-tenant');
  if (!isBillingManager(userId, assignments.filter((a) => a.subscriptionId === subscription.id))) {
    problems.push('missing-role');
  }
  return problems;
}
