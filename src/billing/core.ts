import type { Caller } from '../domain/caller';
import type { Outcome } from '../domain/outcome';
import type { BillingLinkPort } from '../domain/ports/billingLinks';
import type { DirectoryPort } from '../domain/ports/directory';
import type { Deliveries, TeamsAddresses } from '../domain/ports/notifications';
import type { Store } from '../domain/ports/store';
import { BillingService } from './billingService';
import { cancelAll } from './cancelAll';
import { ManagerService } from './managerService';
import { ManagerNotices, type ChangeNotices } from './notify/managerNotices';
import type { PriceTable } from './prices';
import { QuantitiesService } from './quantitiesService';

/** Everything the core is given: its ports, and the few facts of this deployment it must tell users. */
export interface CoreDeps {
  readonly directoryFor: (caller: Caller) => Promise<DirectoryPort>;
  /** Present when billing links live outside the store (Azure DevOps). */
  readonly billingLinksFor?: (caller: Caller) => Promise<BillingLinkPort>;
  readonly store: Store;
  readonly deliveries: Deliveries;
  readonly addresses: TeamsAddresses;
  readonly flowTtlMs: number;
  readonly prices: PriceTable;
  readonly reportError: (error: unknown) => void;
  /** Where paid quantities are bought when the bot cannot buy them. */
  readonly boughtElsewhere?: string;
  /** Where billing managers are added and removed when the bot cannot. */
  readonly changedElsewhere?: string;
  /** People are searched as the user types (Microsoft Graph with DIRECTORY=azure). */
  readonly peopleSearch?: boolean;
  /** For tests: who is told, and when it is. */
  readonly notices?: ChangeNotices;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

/** The use cases, grouped as the Teams layer calls them. */
export interface BillingCore {
  readonly billing: BillingService;
  readonly quantities: QuantitiesService;
  readonly managers: ManagerService;
  /** "cancel": every flow the caller has open in this conversation, of every kind. */
  cancelAll(caller: Caller): Promise<Outcome<number>>;
}

export function createCore(deps: CoreDeps): BillingCore {
  const notices = deps.notices ?? new ManagerNotices({ store: deps.store, deliveries: deps.deliveries, addresses: deps.addresses });
  const common = {
    directoryFor: deps.directoryFor,
    store: deps.store,
    notices,
    flowTtlMs: deps.flowTtlMs,
    reportError: deps.reportError,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.newId ? { newId: deps.newId } : {}),
  };
  const billing = new BillingService({ ...common, prices: deps.prices, ...(deps.billingLinksFor ? { billingLinksFor: deps.billingLinksFor } : {}) });
  const quantities = new QuantitiesService({ ...common, billing, prices: deps.prices, ...(deps.boughtElsewhere !== undefined ? { boughtElsewhere: deps.boughtElsewhere } : {}) });
  const managers = new ManagerService({
    ...common,
    addresses: deps.addresses,
    ...(deps.changedElsewhere !== undefined ? { changedElsewhere: deps.changedElsewhere } : {}),
    ...(deps.peopleSearch ? { peopleSearch: true } : {}),
    ...(deps.billingLinksFor ? { billingLinksFor: deps.billingLinksFor } : {}),
  });
  const engines = [billing.context.flows, quantities.context.flows, managers.context.flows];
  return { billing, quantities, managers, cancelAll: (caller) => cancelAll(deps.store, engines, caller, deps.reportError) };
}
