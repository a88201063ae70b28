import { useCaseContext, type UseCaseContext, type UseCaseDeps } from '../useCaseContext';
import type { ManagerFlow, ManagerFlowKind } from '../../domain/model';
import type { TeamsAddresses } from '../../domain/ports/notifications';
import type { FlowFamily } from '../flows/engine';
import type { ManagerFlowView } from '../managerViews';
import { KeyedQueue } from '../serviceSupport';
import type { Caller } from '../../domain/caller';
import type { BillingLinkPort } from '../../domain/ports/billingLinks';
import type { SerialRuns } from '../../domain/ports/leases';

/** The command that starts each flow, as a user types it. */
export const MANAGER_COMMAND = { add: 'add manager', remove: 'remove manager' } as const satisfies Record<ManagerFlowKind, string>;

export type ManagerCommand = (typeof MANAGER_COMMAND)[ManagerFlowKind];

/** A long tenant is filtered, not scrolled: this many people at most on one card. */
export const MAX_PEOPLE_SHOWN = 25;
/** The most people one search asks the directory for; more than a card shows, so that "showing 25 of N" stays honest up to here. */
export const PEOPLE_SEARCHED = 100;

export const MANAGER_FLOWS: FlowFamily<ManagerFlow> = {
  name: 'manager',
  read: (tx) => tx.managerFlows,
  write: (tx) => tx.managerFlows,
  restart: (flow) => (flow ? MANAGER_COMMAND[flow.kind] : ''),
  kindOf: (flow) => flow.kind,
};

/** What the billing-manager use cases are given. */
export interface ManagerContext extends UseCaseContext<ManagerFlow> {
  readonly addresses: TeamsAddresses;
  /** Changes to one subscription's managers happen one at a time (see the last-manager rule). */
  readonly perSubscription: SerialRuns;
  /**
   * Where billing managers are added and removed instead, when this deployment cannot (DIRECTORY=azure):
   * `add manager` and `remove manager` then say so and change nothing; `managers` still lists them.
   */
  readonly changedElsewhere: string | undefined;
  /** People are found by searching as the user types (a Microsoft Graph search with DIRECTORY=azure), not only from a list. */
  readonly peopleSearch: boolean;
  /** Where billing links truly live, when not in the store: Azure DevOps with DIRECTORY=azure. */
  readonly billingLinksFor: ((caller: Caller) => Promise<BillingLinkPort>) | undefined;
}

/** What the billing-manager use cases are built from. */
export interface ManagerDeps extends UseCaseDeps {
  readonly changedElsewhere?: string;
  /** See ManagerContext.peopleSearch. */
  readonly peopleSearch?: boolean;
  /** Where billing links truly live, when not in the store (see LinkContext.billingLinksFor). */
  readonly billingLinksFor?: (caller: Caller) => Promise<BillingLinkPort>;
  /** Whether the bot can reach each manager in Teams, as `managers` shows it; nobody, when absent. */
  readonly addresses?: TeamsAddresses;
  /**
   * Runs the changes of one subscription's managers one at a time; by default within this process.
   * Several instances share one that holds a lease per subscription.
   */
  readonly perSubscription?: SerialRuns;
}

export function managerContext(deps: ManagerDeps): ManagerContext {
  const addresses = deps.addresses ?? { hasPersonalChat: () => false, canStartChat: () => false };
  return {
    ...useCaseContext<ManagerFlow>(deps, MANAGER_FLOWS, 'ManagerService'),
    addresses,
    perSubscription: deps.perSubscription ?? new KeyedQueue(),
    changedElsewhere: deps.changedElsewhere,
    peopleSearch: deps.peopleSearch === true,
    billingLinksFor: deps.billingLinksFor,
  };
}

export function managerViewOf(flow: ManagerFlow): ManagerFlowView {
  return { id: flow.id, kind: flow.kind, expiresAt: flow.expiresAt };
}
