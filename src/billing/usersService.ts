import type { Caller } from '../domain/caller';
import type { AccessFlow } from '../domain/model';
import type { Outcome } from '../domain/outcome';
import type { BillingLinkPort } from '../domain/ports/billingLinks';
import { LIST_PRICES_USD, type PriceTable } from './prices';
import { KeyedQueue } from './serviceSupport';
import { useCaseContext, type UseCaseDeps } from './useCaseContext';
import { confirmStakeholders } from './users/confirmStakeholders';
import { ACCESS_FLOWS, type UsersContext } from './users/usersContext';
import { backToUsers, cancelUsers, chooseUsersOrganization, reviewStakeholders, startUsers, turnUsersPage, type StakeholderAnswer } from './users/usersFlow';
import type { AccessFlowView, StakeholdersChanged, UsersOrganizationStep, UsersOverview } from './users/usersViews';

export { USERS_COMMAND } from './users/usersContext';
export type { StakeholderAnswer } from './users/usersFlow';

/** The default of INACTIVE_DAYS: a month without signing in. */
export const DEFAULT_INACTIVE_DAYS = 30;

export interface UsersServiceDeps extends UseCaseDeps {
  readonly prices?: PriceTable;
  readonly inactiveDays?: number;
  /** Where billing links truly live, when not in the store (Azure DevOps). */
  readonly billingLinksFor?: (caller: Caller) => Promise<BillingLinkPort>;
}

/**
 * The `users` use cases (BILLING.md: users are billed by access level): who is billed for what in an
 * organization, what it costs, who has not signed in for a while, and making them Stakeholders.
 */
export class UsersService {
  readonly context: UsersContext;

  constructor(deps: UsersServiceDeps) {
    this.context = {
      ...useCaseContext<AccessFlow>(deps, ACCESS_FLOWS, 'UsersService'),
      prices: deps.prices ?? LIST_PRICES_USD,
      inactiveDays: deps.inactiveDays ?? DEFAULT_INACTIVE_DAYS,
      perOrganization: new KeyedQueue(),
      billingLinksFor: deps.billingLinksFor,
    };
  }

  start(caller: Caller): Promise<Outcome<UsersOrganizationStep>> {
    return startUsers(this.context, caller);
  }

  chooseOrganization(caller: Caller, flowId: string, organizationId: string): Promise<Outcome<UsersOverview>> {
    return chooseUsersOrganization(this.context, caller, flowId, organizationId);
  }

  page(caller: Caller, flowId: string, page: number, input: Readonly<Record<string, unknown>>): Promise<Outcome<UsersOverview>> {
    return turnUsersPage(this.context, caller, flowId, page, input);
  }

  review(caller: Caller, flowId: string, input: Readonly<Record<string, unknown>>): Promise<Outcome<StakeholderAnswer>> {
    return reviewStakeholders(this.context, caller, flowId, input);
  }

  back(caller: Caller, flowId: string): Promise<Outcome<UsersOverview>> {
    return backToUsers(this.context, caller, flowId);
  }

  confirm(caller: Caller, flowId: string): Promise<Outcome<StakeholdersChanged>> {
    return confirmStakeholders(this.context, caller, flowId);
  }

  cancel(caller: Caller, flowId: string): Promise<Outcome<AccessFlowView>> {
    return cancelUsers(this.context, caller, flowId);
  }
}
