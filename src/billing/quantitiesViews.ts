import type { ArtifactsUsageLimit } from '../domain/directory';
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
  /** The Artifacts switch now, the one shown (now or last chosen), and the use it is priced on. */
  readonly artifacts: { readonly now: ArtifactsUsageLimit; readonly value: ArtifactsUsageLimit; readonly usedGiB?: number; readonly payAsYouGoCents: number };
  /** User seats an earlier version recorded as bought, to explain once; empty otherwise. */
  readonly uncountedSeats: string;
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

/** The Artifacts switch old and new, with what each costs a month at the current use. */
export interface ArtifactsChange {
  readonly from: ArtifactsUsageLimit;
  readonly to: ArtifactsUsageLimit;
  readonly fromCents: number;
  readonly toCents: number;
  /** Absent when the directory does not report the use. */
  readonly usedGiB?: number;
}

/** Every meter old and new, with the monthly list-price estimate before and after. */
export interface QuantityChange {
  readonly from: PaidQuantities;
  readonly to: PaidQuantities;
  readonly lines: readonly QuantityLine[];
  readonly artifacts?: ArtifactsChange;
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
