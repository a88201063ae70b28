import type { UseCaseContext } from '../useCaseContext';
import type { Caller } from '../../domain/caller';
import type { Flow } from '../../domain/model';
import type { BillingLinkPort } from '../../domain/ports/billingLinks';
import type { PriceTable } from '../prices';

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
