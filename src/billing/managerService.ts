import type { Caller } from '../domain/caller';
import type { ManagerRole } from '../domain/changeEvent';
import type { ManagerFlow, ManagerFlowKind } from '../domain/model';
import { refusal, success, type Outcome } from '../domain/outcome';
import type { TeamsAddresses } from '../domain/ports/notifications';
import type { ManagerChange, ManagerConfirmStep, ManagerOrganizationStep, ManagerPersonStep, ManagerRoleStep, OrganizationManagers, PersonOption } from './managerViews';
import { confirmManager } from './managers/confirmManager';
import { MANAGER_FLOWS, type ManagerContext } from './managers/managerContext';
import { cancelManagerFlow, chooseManagerOrganization, choosePerson, chooseRole, filterPeople, searchPeople, startManagerFlow } from './managers/managerFlow';
import { listManagers } from './managers/managerList';
import { linksFor } from './links/linkChecks';
import type { BillingLinkPort } from '../domain/ports/billingLinks';
import { directoryUserOf, KeyedQueue, unknownCaller } from './serviceSupport';
import { useCaseContext, type UseCaseDeps } from './useCaseContext';

export { MANAGER_COMMAND, MAX_PEOPLE_SHOWN, type ManagerCommand } from './managers/managerContext';

export interface ManagerServiceDeps extends UseCaseDeps {
  /** See ManagerContext.changedElsewhere. */
  readonly changedElsewhere?: string;
  /** See ManagerContext.peopleSearch. */
  readonly peopleSearch?: boolean;
  /** Where billing links truly live, when not in the store (see LinkContext.billingLinksFor). */
  readonly billingLinksFor?: (caller: Caller) => Promise<BillingLinkPort>;
  /** Whether the bot can reach each manager in Teams, as `managers` shows it; nobody, when absent. */
  readonly addresses?: TeamsAddresses;
}

/**
 * The billing-manager use cases (BILLING.md: backup billing managers) behind one object for the
 * Teams layer; each lives in its own module under managers/.
 */
export class ManagerService {
  readonly context: ManagerContext;

  constructor(deps: ManagerServiceDeps) {
    this.context = {
      ...useCaseContext<ManagerFlow>(deps, MANAGER_FLOWS, 'ManagerService'),
      addresses: deps.addresses ?? { hasPersonalChat: () => false, canStartChat: () => false },
      perSubscription: new KeyedQueue(),
      changedElsewhere: deps.changedElsewhere,
      peopleSearch: deps.peopleSearch === true,
      billingLinksFor: deps.billingLinksFor,
    };
  }

  /**
   * The billing managers of each organization the caller belongs to, or only of the one named (by id or
   * name). In a shared conversation, only what every member may see: who they are, not the subscription.
   */
  async managers(caller: Caller, only?: { readonly id?: string; readonly name?: string }): Promise<Outcome<OrganizationManagers[]>> {
    const directory = await this.context.directoryFor(caller);
    const user = await directoryUserOf(directory, caller);
    if (!user) return unknownCaller(caller);
    const links = await linksFor(this.context, caller);
    const all = await listManagers(directory, this.context.store, links, this.context.addresses, user, caller.shared === true);
    if (!only?.id && !only?.name) return success(all);
    const wanted = all.filter((o) => o.organization.id === only.id || o.organization.name.toLowerCase() === only.name?.toLowerCase());
    if (wanted.length === 0) {
      const what = only.name ? `an organization called "${only.name}"` : 'that organization';
      return refusal('organization-not-found', `You do not belong to ${what}. Type "managers" to see all of yours.`);
    }
    return success(wanted);
  }

  start(caller: Caller, kind: ManagerFlowKind, organizationId?: string): Promise<Outcome<ManagerOrganizationStep | ManagerPersonStep>> {
    return startManagerFlow(this.context, caller, kind, organizationId);
  }

  chooseOrganization(caller: Caller, flowId: string, organizationId: string): Promise<Outcome<ManagerPersonStep>> {
    return chooseManagerOrganization(this.context, caller, flowId, organizationId);
  }

  filterPeople(caller: Caller, flowId: string, filter: string): Promise<Outcome<ManagerPersonStep>> {
    return filterPeople(this.context, caller, flowId, filter);
  }

  /** Who a search as the user types finds for the person step of adding a manager, at most `max`. */
  searchPeople(caller: Caller, flowId: string, text: string, max: number): Promise<Outcome<readonly PersonOption[]>> {
    return searchPeople(this.context, caller, flowId, text, max);
  }

  choosePerson(caller: Caller, flowId: string, principalId: string): Promise<Outcome<ManagerRoleStep | ManagerConfirmStep>> {
    return choosePerson(this.context, caller, flowId, principalId);
  }

  chooseRole(caller: Caller, flowId: string, role: ManagerRole): Promise<Outcome<ManagerConfirmStep>> {
    return chooseRole(this.context, caller, flowId, role);
  }

  confirm(caller: Caller, flowId: string): Promise<Outcome<ManagerChange>> {
    return confirmManager(this.context, caller, flowId);
  }

  cancel(caller: Caller, flowId: string): Promise<Outcome<{ readonly kind: ManagerFlowKind }>> {
    return cancelManagerFlow(this.context, caller, flowId);
  }
}
