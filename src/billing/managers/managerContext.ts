import type { UseCaseContext } from '../useCaseContext';
import type { ManagerFlow, ManagerFlowKind } from '../../domain/model';
import type { TeamsAddresses } from '../../domain/ports/notifications';
import type { FlowFamily } from '../flows/engine';
import type { ManagerFlowView } from '../managerViews';
import type { KeyedQueue } from '../serviceSupport';
import type { Caller } from '../../domain/caller';
import type { BillingLinkPort } from '../../domain/ports/billingLinks';

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
};

/** What the billing-manager use cases are given. */
export interface ManagerContext extends UseCaseContext<ManagerFlow> {
  readonly addresses: TeamsAddresses;
  /** Changes to one subscription's managers happen one at a time (see the last-manager rule). */
  readonly perSubscription: KeyedQueue;
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

export function managerViewOf(flow: ManagerFlow): ManagerFlowView {
  return { id: flow.id, kind: flow.kind, expiresAt: flow.expiresAt };
}
