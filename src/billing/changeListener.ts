import type { BillingChange } from './views';
import type { FlowKind } from '../store/state';
import type { QuantitiesChanged } from './quantitiesViews';

/**
 * Told after a billing change has been saved. The one call site for notifying billing managers; the
 * service does not wait for delivery, and a listener's failure never undoes a saved change.
 */
export interface BillingChangeListener {
  billingChanged(kind: FlowKind, change: BillingChange): void;
  /**
   * Paid quantities of a billed organization were edited. A first purchase and the reset at removal
   * are not reported here: they travel in `billingChanged`'s change (`quantities`), one notice per act.
   */
  quantitiesChanged?(change: QuantitiesChanged): void;
}

export const ignoreChanges: BillingChangeListener = { billingChanged: () => undefined };
