import type { NotificationPlan } from '../notify/plan';
import type { Named, OrganizationOption } from '../views';

/** Plain data about users and access levels that the `users` use cases hand to cards. */

export interface AccessFlowView {
  readonly id: string;
  readonly expiresAt: string;
}

export interface UsersOrganizationStep {
  readonly flow: AccessFlowView;
  readonly organizations: readonly OrganizationOption[];
}

/** "Basic" or "Basic + Test Plans": what a paid user is billed for. */
export type PaidLevelName = 'Basic' | 'Basic + Test Plans';

export interface InactiveUser extends Named {
  readonly level: PaidLevelName;
  /** The last sign-in; null when never. */
  readonly lastAccessed: string | null;
  /** What making this one user a Stakeholder saves a month, alone. */
  readonly savingCents: number;
  /** Why it cannot be ticked here; absent when it can. */
  readonly blocked?: string;
  readonly selected: boolean;
}

export interface UserCounts {
  readonly stakeholder: number;
  readonly basic: number;
  readonly basicTestPlans: number;
  /** Counted in basic and basicTestPlans too: their Visual Studio subscription pays. */
  readonly visualStudio: number;
}

export interface UsersOverview {
  readonly flow: AccessFlowView;
  readonly organization: Named;
  readonly billedBy?: Named;
  /** False when the directory does not say who has which access level. */
  readonly usageKnown: boolean;
  readonly counts: UserCounts;
  /** People billed for Basic (each once in the billing group) and how many of the free five they use. */
  readonly billedBasic: number;
  readonly freeBasicUsed: number;
  readonly billedBasicTestPlans: number;
  /** The other organizations billed together under multi-organization billing, sharing the free five. */
  readonly sharedWith: readonly string[];
  readonly monthlyCents: number;
  readonly inactiveDays: number;
  /** This page of the inactive paid users. */
  readonly inactive: readonly InactiveUser[];
  readonly page: number;
  readonly pages: number;
  readonly inactiveTotal: number;
  /** Ticked on other pages, kept while paging. */
  readonly selectedElsewhere: number;
  /** The saving if every inactive user that can be changed became a Stakeholder. */
  readonly possibleSavingCents: number;
  /** Only project collection administrators change access levels; others are told who can. */
  readonly canChange: boolean;
  readonly whoCanChange: readonly string[];
  readonly problems: readonly string[];
}

export interface StakeholderPerson extends Named {
  readonly from: PaidLevelName;
}

export interface StakeholderReview {
  readonly flow: AccessFlowView;
  readonly organization: Named;
  readonly people: readonly StakeholderPerson[];
  readonly fromCents: number;
  readonly toCents: number;
}

export interface StakeholdersChanged {
  readonly organization: Named;
  readonly people: readonly StakeholderPerson[];
  readonly fromCents: number;
  readonly toCents: number;
  readonly by: Named;
  readonly at: string;
  readonly notifications: NotificationPlan | undefined;
}
