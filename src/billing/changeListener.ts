import type { BillingChange } from './views';
import type { FlowKind } from '../store/state';

/**
 * Told after a billing change has been saved. The one call site for notifying billing managers; the
 * service does not wait for delivery, and a listener's failure never undoes a saved change.
 */
export interface BillingChangeListener {
  billingChanged(kind: FlowKind, change: BillingChange): void;
}

export const ignoreChanges: BillingChangeListener = { billingChanged: () => undefined };
