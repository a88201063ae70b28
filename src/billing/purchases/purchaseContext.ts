import { useCaseContext, type UseCaseContext, type UseCaseDeps } from '../useCaseContext';
import type { Caller } from '../../domain/caller';
import type { PaidQuantities, PurchaseFlow } from '../../domain/model';
import type { Outcome } from '../../domain/outcome';
import type { BillingService } from '../billingService';
import type { FlowFamily } from '../flows/engine';
import { LIST_PRICES_USD, type PriceTable } from '../prices';
import type { PurchaseFlowView } from '../quantitiesViews';
import type { SubscriptionStep } from '../views';

/** The command that starts a purchase again, named in every "start again" message. */
export const BUY_COMMAND = 'buy';

export const PURCHASE_FLOWS: FlowFamily<PurchaseFlow> = {
  name: 'purchase',
  read: (tx) => tx.purchases,
  write: (tx) => tx.purchases,
  restart: () => BUY_COMMAND,
  kindOf: () => 'buy',
};

/** What the purchase use cases are given. */
export interface PurchaseContext extends UseCaseContext<PurchaseFlow> {
  readonly prices: PriceTable;
  /** A first purchase hands over to "set up billing", whose rules live with the billing links. */
  readonly startFirstPurchase: (caller: Caller, organizationId: string, purchase: PaidQuantities) => Promise<Outcome<SubscriptionStep>>;
  /**
   * Set when paid quantities are kept where the bot cannot change them (DIRECTORY=azure: Azure
   * DevOps, which offers no purchase API): where users buy instead. "buy" then refuses and says so,
   * rather than record a purchase that would charge nothing.
   */
  readonly boughtElsewhere: string | undefined;
}

/** What the purchase use cases are built from. */
export interface PurchaseDeps extends UseCaseDeps {
  /** Set-up rules live there; a first purchase hands over to its set-up flow. */
  readonly billing: Pick<BillingService, 'startFirstPurchase'>;
  readonly prices?: PriceTable;
  readonly boughtElsewhere?: string;
}

export function purchaseContext(deps: PurchaseDeps): PurchaseContext {
  return {
    ...useCaseContext<PurchaseFlow>(deps, PURCHASE_FLOWS, 'QuantitiesService'),
    prices: deps.prices ?? LIST_PRICES_USD,
    startFirstPurchase: (caller, organizationId, purchase) => deps.billing.startFirstPurchase(caller, organizationId, purchase),
    boughtElsewhere: deps.boughtElsewhere,
  };
}

export function purchaseViewOf(flow: PurchaseFlow): PurchaseFlowView {
  return { id: flow.id, expiresAt: flow.expiresAt };
}
