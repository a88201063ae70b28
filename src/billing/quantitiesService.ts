import type { Caller } from '../domain/caller';
import type { PurchaseFlow } from '../domain/model';
import type { Outcome } from '../domain/outcome';
import type { BillingService } from './billingService';
import { LIST_PRICES_USD, type PriceTable } from './prices';
import { confirmPurchase } from './purchases/confirmPurchase';
import { PURCHASE_FLOWS, type PurchaseContext } from './purchases/purchaseContext';
import { cancelPurchase, choosePurchaseOrganization, editPurchase, reviewPurchase, startPurchase, type ReviewAnswer } from './purchases/purchaseFlow';
import type { PurchaseFlowView, PurchaseOrganizationStep, QuantitiesChanged, QuantitiesStep } from './quantitiesViews';
import { useCaseContext, type UseCaseDeps } from './useCaseContext';

export { BUY_COMMAND } from './purchases/purchaseContext';
export type { ReviewAnswer } from './purchases/purchaseFlow';

export interface QuantitiesServiceDeps extends UseCaseDeps {
  /** Set-up rules live there; a first purchase hands over to its set-up flow. */
  readonly billing: BillingService;
  readonly prices?: PriceTable;
  /** See PurchaseContext.boughtElsewhere. */
  readonly boughtElsewhere?: string;
}

/**
 * The purchase use cases (BILLING.md: paid quantities) behind one object for the Teams layer; each
 * lives in its own module under purchases/.
 */
export class QuantitiesService {
  readonly context: PurchaseContext;

  constructor(deps: QuantitiesServiceDeps) {
    this.context = {
      ...useCaseContext<PurchaseFlow>(deps, PURCHASE_FLOWS, 'QuantitiesService'),
      prices: deps.prices ?? LIST_PRICES_USD,
      startFirstPurchase: (caller, organizationId, purchase) => deps.billing.startFirstPurchase(caller, organizationId, purchase),
      boughtElsewhere: deps.boughtElsewhere,
    };
  }

  start(caller: Caller): Promise<Outcome<PurchaseOrganizationStep>> {
    return startPurchase(this.context, caller);
  }

  chooseOrganization(caller: Caller, flowId: string, organizationId: string): Promise<Outcome<QuantitiesStep>> {
    return choosePurchaseOrganization(this.context, caller, flowId, organizationId);
  }

  review(caller: Caller, flowId: string, input: Readonly<Record<string, unknown>>): Promise<Outcome<ReviewAnswer>> {
    return reviewPurchase(this.context, caller, flowId, input);
  }

  edit(caller: Caller, flowId: string): Promise<Outcome<QuantitiesStep>> {
    return editPurchase(this.context, caller, flowId);
  }

  confirm(caller: Caller, flowId: string): Promise<Outcome<QuantitiesChanged>> {
    return confirmPurchase(this.context, caller, flowId);
  }

  cancel(caller: Caller, flowId: string): Promise<Outcome<PurchaseFlowView>> {
    return cancelPurchase(this.context, caller, flowId);
  }
}
