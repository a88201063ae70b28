import type { Caller } from '../domain/caller';
import type { Flow, FlowKind, PaidQuantities } from '../domain/model';
import type { Outcome } from '../domain/outcome';
import type { BillingLinkPort } from '../domain/ports/billingLinks';
import { checkAgain, confirmLink } from './links/confirmLink';
import type { LinkContext } from './links/linkContext';
import { LINK_FLOWS, cancelLinkFlow, chooseOrganization, chooseSubscription, startFirstPurchase, startLinkFlow } from './links/linkFlow';
import { status } from './links/status';
import { LIST_PRICES_USD, type PriceTable } from './prices';
import { useCaseContext, type UseCaseDeps } from './useCaseContext';
import type { BillingChange, ConfirmStep, OrganizationStatus, OrganizationStep, PendingBillingChange, SubscriptionStep } from './views';

export interface BillingServiceDeps extends UseCaseDeps {
  /** Where the billing link truly lives when it is not the store (see LinkContext). */
  readonly billingLinksFor?: (caller: Caller) => Promise<BillingLinkPort>;
  /** For the list-price estimates of a first purchase; the shipped list prices by default. */
  readonly prices?: PriceTable;
}

/**
 * The billing-link use cases (BILLING.md: set up, change and remove billing, and status) behind one
 * object for the Teams layer. Each lives in its own module under links/; this only wires them.
 */
export class BillingService {
  readonly context: LinkContext;

  constructor(deps: BillingServiceDeps) {
    this.context = {
      ...useCaseContext<Flow>(deps, LINK_FLOWS, 'BillingService'),
      billingLinksFor: deps.billingLinksFor,
      prices: deps.prices ?? LIST_PRICES_USD,
    };
  }

  startFlow(caller: Caller, kind: FlowKind): Promise<Outcome<OrganizationStep>> {
    return startLinkFlow(this.context, caller, kind);
  }

  startFirstPurchase(caller: Caller, organizationId: string, purchase: PaidQuantities): Promise<Outcome<SubscriptionStep>> {
    return startFirstPurchase(this.context, caller, organizationId, purchase);
  }

  chooseOrganization(caller: Caller, flowId: string, organizationId: string): Promise<Outcome<SubscriptionStep | ConfirmStep>> {
    return chooseOrganization(this.context, caller, flowId, organizationId);
  }

  chooseSubscription(caller: Caller, flowId: string, subscriptionId: string): Promise<Outcome<ConfirmStep>> {
    return chooseSubscription(this.context, caller, flowId, subscriptionId);
  }

  confirm(caller: Caller, flowId: string, acknowledged: boolean): Promise<Outcome<BillingChange | PendingBillingChange>> {
    return confirmLink(this.context, caller, flowId, acknowledged);
  }

  checkAgain(caller: Caller, flowId: string): Promise<Outcome<BillingChange | PendingBillingChange>> {
    return checkAgain(this.context, caller, flowId);
  }

  cancel(caller: Caller, flowId: string): Promise<Outcome<{ readonly kind: FlowKind }>> {
    return cancelLinkFlow(this.context, caller, flowId);
  }

  status(caller: Caller): Promise<Outcome<OrganizationStatus[]>> {
    return status(this.context, caller);
  }
}
