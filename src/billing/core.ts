import type { Caller } from '../domain/caller';
import type { Outcome } from '../domain/outcome';
import type { ActualChargesPort } from '../domain/ports/actualCharges';
import type { BillingLinkPort } from '../domain/ports/billingLinks';
import type { DirectoryPort } from '../domain/ports/directory';
import type { Deliveries, TeamsAddresses } from '../domain/ports/notifications';
import type { Store } from '../domain/ports/store';
import type { SerialRuns } from '../domain/ports/leases';
import { createBillingService, type BillingService } from './billingService';
import { cancelAll } from './cancelAll';
import { UserRateLimit } from './flows/userRateLimit';
import { createManagerService, type ManagerService } from './managerService';
import { ManagerNotices, type ChangeNotices } from './notify/managerNotices';
import type { PriceTable } from './prices';
import { createQuantitiesService, type QuantitiesService } from './quantitiesService';
import { UsersService } from './usersService';
import { CostsService } from './costsService';

/** Everything the core is given: its ports, and the few facts of this deployment it must tell users. */
export interface CoreDeps {
  readonly directoryFor: (caller: Caller) => Promise<DirectoryPort>;
  /** Present when billing links live outside the store (Azure DevOps). */
  readonly billingLinksFor?: (caller: Caller) => Promise<BillingLinkPort>;
  /** Present when the bill can be read (Azure Cost Management): `costs` shows actual costs. */
  readonly actualChargesFor?: (caller: Caller) => Promise<ActualChargesPort>;
  readonly store: Store;
  readonly deliveries: Deliveries;
  readonly addresses: TeamsAddresses;
  readonly flowTtlMs: number;
  /** How many flows one person may start, and card buttons press, in a minute; unlimited when absent. */
  readonly perPersonPerMinute?: { readonly starts: number; readonly clicks: number };
  readonly prices: PriceTable;
  /** A paid user who has not signed in for this many days is listed as inactive by `users`. */
  readonly inactiveDays?: number;
  readonly reportError: (error: unknown) => void;
  /** Where paid quantities are bought when the bot cannot buy them. */
  readonly boughtElsewhere?: string;
  /** Where billing managers are added and removed when the bot cannot. */
  readonly changedElsewhere?: string;
  /** Runs the changes of one subscription's managers one at a time; several instances pass one that leases. */
  readonly perSubscription?: SerialRuns;
  /** Whether this instance sweeps away ended flows (with several instances, only the elected one does). */
  readonly sweepsHere?: () => boolean;
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
  readonly users: UsersService;
  readonly costs: CostsService;
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
    ...(deps.perPersonPerMinute
      ? { limits: { starts: new UserRateLimit(deps.perPersonPerMinute.starts), clicks: new UserRateLimit(deps.perPersonPerMinute.clicks) } }
      : {}),
    reportError: deps.reportError,
    ...(deps.sweepsHere ? { sweepsHere: deps.sweepsHere } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.newId ? { newId: deps.newId } : {}),
  };
  const billing = createBillingService({ ...common, prices: deps.prices, ...(deps.billingLinksFor ? { billingLinksFor: deps.billingLinksFor } : {}) });
  const quantities = createQuantitiesService({ ...common, billing, prices: deps.prices, ...(deps.boughtElsewhere !== undefined ? { boughtElsewhere: deps.boughtElsewhere } : {}) });
  const managers = createManagerService({
    ...common,
    addresses: deps.addresses,
    ...(deps.perSubscription ? { perSubscription: deps.perSubscription } : {}),
    ...(deps.changedElsewhere !== undefined ? { changedElsewhere: deps.changedElsewhere } : {}),
    ...(deps.peopleSearch ? { peopleSearch: true } : {}),
    ...(deps.billingLinksFor ? { billingLinksFor: deps.billingLinksFor } : {}),
  });
  const linkSource = deps.billingLinksFor ? { billingLinksFor: deps.billingLinksFor } : {};
  const users = new UsersService({ ...common, ...linkSource, prices: deps.prices, ...(deps.inactiveDays !== undefined ? { inactiveDays: deps.inactiveDays } : {}) });
  const engines = [billing.context.flows, quantities.context.flows, managers.context.flows, users.context.flows];
  const costs = new CostsService({
    directoryFor: deps.directoryFor,
    store: deps.store,
    ...linkSource,
    ...(deps.actualChargesFor ? { actualChargesFor: deps.actualChargesFor } : {}),
    prices: deps.prices,
    ...(deps.now ? { now: deps.now } : {}),
  });
  return { billing, quantities, managers, users, costs, cancelAll: (caller) => cancelAll(deps.store, engines, caller, deps.reportError) };
}
