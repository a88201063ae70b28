import { useCaseContext, type UseCaseContext, type UseCaseDeps } from '../useCaseContext';
import type { Caller } from '../../domain/caller';
import type { Flow } from '../../domain/model';
import type { BillingLinkPort } from '../../domain/ports/billingLinks';
import { LIST_PRICES_USD, type PriceTable } from '../prices';
import { LINK_FLOWS } from './linkFlow';

/** What the billing-link use cases (set up, change, remove, status) are given. */
export interface LinkContext extends UseCaseContext<Flow> {
  /**
   * Where the billing link truly lives when it is not the bot's store (Azure DevOps, read with the
   * caller's rights). Without it the store holds the links; with it, the store keeps only the bot's
   * own record of who changed billing through it.
   */
  readonly billingLinksFor: ((caller: Caller) => Promise<BillingLinkPort>) | undefined;
  readonly prices: PriceTable;
}

/** What the billing-link use cases are built from. */
export interface LinkDeps extends UseCaseDeps {
  readonly billingLinksFor?: LinkContext['billingLinksFor'];
  /** For the list-price estimates of a first purchase; the shipped list prices by default. */
  readonly prices?: PriceTable;
}

export function linkContext(deps: LinkDeps): LinkContext {
  return { ...useCaseContext<Flow>(deps, LINK_FLOWS, 'BillingService'), billingLinksFor: deps.billingLinksFor, prices: deps.prices ?? LIST_PRICES_USD };
}
