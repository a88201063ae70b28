import type { PaidQuantities } from '../domain/model';
import type { NotificationPlan } from './notify/plan';
import type { Meter } from './meters';
import type { Named, OrganizationOption } from './views';

/** Plain data about paid quantities that the quantities service hands to cards and listeners. */

export interface PurchaseFlowView {
  readonly id: string;
  readonly expiresAt: string;
}

export interface PurchaseOrganizationStep {
  readonly flow: PurchaseFlowView;
  readonly organizations: readonly OrganizationOption[];
}

export interface MeterEntry {
  readonly meter: Meter;
  readonly paidNow: number;
  /** What the input shows: the current paid quantity, or what the user typed last. */
  readonly value: number;
  readonly unitPriceCents: number;
}

export interface QuantitiesStep {
  readonly flow: PurchaseFlowView;
  readonly organization: Named;
  /** The subscription paying now; absent when the organization has no billing yet. */
  readonly billedBy?: Named;
  /** No billing yet: choosing quantities leads into setting billing up. */
  readonly firstPurchase: boolean;
  readonly meters: readonly MeterEntry[];
  readonly monthlyNowCents: number;
  /** Why the last numbers were not accepted; empty on a first showing. */
  readonly problems: readonly string[];
}

export interface QuantityLine {
  readonly meter: Meter;
  readonly from: number;
  readonly to: number;
  readonly unitPriceCents: number;
  readonly fromMonthlyCents: number;
  readonly toMonthlyCents: number;
}

/** Every meter old and new, with the monthly list-price estimate before and after. */
export interface QuantityChange {
  readonly from: PaidQuantities;
  readonly to: PaidQuantities;
  readonly lines: readonly QuantityLine[];
  readonly fromMonthlyCents: number;
  readonly toMonthlyCents: number;
}

export interface PurchaseReview {
  readonly flow: PurchaseFlowView;
  readonly organization: Named;
  readonly billedBy: Named;
  readonly change: QuantityChange;
}

/** A change of paid quantities that has been saved: what the result card and notifications tell. */
export interface QuantitiesChanged {
  readonly organization: Named;
  readonly billedBy: Named;
  readonly change: QuantityChange;
  readonly by: Named;
  readonly at: string;
  /** Who is being told; undefined when the notifications could not be queued now (they are later). */
  readonly notifications: NotificationPlan | undefined;
}
