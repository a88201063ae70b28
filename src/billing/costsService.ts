import type { Caller } from '../domain/caller';
import { success, type Outcome } from '../domain/outcome';
import type { ActualChargesPort } from '../domain/ports/actualCharges';
import type { BillingLinkPort } from '../domain/ports/billingLinks';
import type { DirectoryPort } from '../domain/ports/directory';
import type { Store } from '../domain/ports/store';
import { costsReport } from './costs/costsReport';
import type { CostsReport } from './costs/costsViews';
import { linksFor } from './links/linkChecks';
import { LIST_PRICES_USD, type PriceTable } from './prices';
import { directoryProvider, directoryUserOf, unknownCaller, type DirectorySource } from './serviceSupport';

export interface CostsServiceDeps extends DirectorySource {
  readonly store: Store;
  readonly prices?: PriceTable;
  readonly now?: () => Date;
  /** Where billing links truly live, when not in the store (Azure DevOps). */
  readonly billingLinksFor?: (caller: Caller) => Promise<BillingLinkPort>;
  /** Where the bill can be read as the caller (Azure Cost Management); without it, costs are estimated. */
  readonly actualChargesFor?: (caller: Caller) => Promise<ActualChargesPort>;
}

/** `costs` (also "spend"): what organizations cost this month, read-only. */
export class CostsService {
  private readonly directoryFor: (caller: Caller) => Promise<DirectoryPort>;

  constructor(private readonly deps: CostsServiceDeps) {
    this.directoryFor = directoryProvider(deps, 'CostsService');
  }

  async show(caller: Caller): Promise<Outcome<CostsReport>> {
    const directory = await this.directoryFor(caller);
    const user = await directoryUserOf(directory, caller);
    if (!user) return unknownCaller(caller);
    const now = this.deps.now?.() ?? new Date();
    const links = await linksFor({ store: this.deps.store, billingLinksFor: this.deps.billingLinksFor }, caller);
    const charges = this.deps.actualChargesFor ? await this.deps.actualChargesFor(caller) : undefined;
    return success(await costsReport(this.deps.store, links, directory, user, this.deps.prices ?? LIST_PRICES_USD, now, charges));
  }
}
