import type { Caller } from '../domain/caller';
import { success, type Outcome } from '../domain/outcome';
import type { DirectoryPort } from '../domain/ports/directory';
import type { Store } from '../domain/ports/store';
import { costsReport } from './costs/costsReport';
import type { CostsReport } from './costs/costsViews';
import { LIST_PRICES_USD, type PriceTable } from './prices';
import { directoryProvider, directoryUserOf, unknownCaller, type DirectorySource } from './serviceSupport';

export interface CostsServiceDeps extends DirectorySource {
  readonly store: Store;
  readonly prices?: PriceTable;
  readonly now?: () => Date;
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
    return success(await costsReport(this.deps.store, directory, user, this.deps.prices ?? LIST_PRICES_USD, now));
  }
}
