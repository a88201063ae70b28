import type { Caller } from '../../domain/caller';
import type { BillingLinkPort } from '../../domain/ports/billingLinks';
import type { AccessFlow } from '../../domain/model';
import type { FlowFamily } from '../flows/engine';
import type { PriceTable } from '../prices';
import type { KeyedQueue } from '../serviceSupport';
import type { UseCaseContext } from '../useCaseContext';
import type { AccessFlowView } from './usersViews';

/** The command that starts `users` again, named in every "start again" message. */
export const USERS_COMMAND = 'users';

/** Inactive users shown on one card; a large organization is paged, not scrolled. */
export const USERS_PAGE_SIZE = 10;

export const ACCESS_FLOWS: FlowFamily<AccessFlow> = {
  name: 'users',
  read: (tx) => tx.accessFlows,
  write: (tx) => tx.accessFlows,
  restart: () => USERS_COMMAND,
  kindOf: () => 'users',
};

/** What the `users` use cases are given. */
export interface UsersContext extends UseCaseContext<AccessFlow> {
  readonly prices: PriceTable;
  /** A paid user who has not signed in for this many days is listed as inactive. */
  readonly inactiveDays: number;
  /** Changes to one organization's access levels happen one at a time. */
  readonly perOrganization: KeyedQueue;
  /** Where billing links truly live, when not in the store (see LinkContext.billingLinksFor). */
  readonly billingLinksFor: ((caller: Caller) => Promise<BillingLinkPort>) | undefined;
}

export function accessViewOf(flow: AccessFlow): AccessFlowView {
  return { id: flow.id, expiresAt: flow.expiresAt };
}
