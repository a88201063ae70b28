import type { FlowKind } from '../domain/model';
import type { OrganizationAccess } from './organizationAccess';
import type { Explanation } from './explanations';
import type { NotificationPlan } from './notify/plan';
import type { PaidQuantities } from '../domain/model';
import type { QuantityChange } from './quantitiesViews';

/** Plain data the billing service hands to whoever shows it (cards, tests). No Teams types. */

export interface Named {
  readonly id: string;
  readonly name: string;
}

export interface FlowView {
  readonly id: string;
  readonly kind: FlowKind;
  readonly expiresAt: string;
}

export interface OrganizationOption extends Named {
  readonly selectable: boolean;
  /** Why it cannot be picked, with the next step. */
  readonly reason?: string;
  /** The subscription paying for it now, when the user may see it. */
  readonly currentSubscription?: Named;
  /** The group that makes the user a project collection administrator, when they are one only through it. */
  readonly administratorThrough?: string;
}

export interface OrganizationStep {
  readonly flow: FlowView;
  readonly organizations: readonly OrganizationOption[];
}

export interface SubscriptionOption extends Named {
  readonly offer: string;
  readonly selectable: boolean;
  readonly problems: readonly Explanation[];
  /** Something to check before picking it, though it does not stop it (a spending limit Azure did not report). */
  readonly caution?: string;
}

export interface SubscriptionStep {
  readonly flow: FlowView;
  readonly organization: Named;
  readonly current?: Named;
  readonly subscriptions: readonly SubscriptionOption[];
  /** A first purchase this set-up will make once billing is linked. */
  readonly quantities?: QuantityChange;
}

export interface ConfirmStep {
  readonly flow: FlowView;
  readonly organization: Named;
  readonly from?: Named;
  readonly to?: Named;
  /** What confirming does to paid quantities: a first purchase, or the fall to the free tier. */
  readonly quantities?: QuantityChange;
}

export interface BillingChange {
  readonly flow: FlowView;
  readonly organization: Named;
  readonly from?: Named;
  readonly to?: Named;
  readonly by: Named;
  readonly at: string;
  /** Who is being told; undefined when the notifications could not be queued now (they are later). */
  readonly notifications: NotificationPlan | undefined;
  /** The billing managers of the subscription that pays now; undefined after a removal. */
  readonly managers: readonly Named[] | undefined;
  /** What happened to paid quantities with it: a first purchase made, or quantities set to zero. */
  readonly quantities?: QuantityChange;
}

/**
 * A change the user makes themselves on the organization's Billing settings page (the bot may not
 * write the billing link); the flow completes when "Check again" reads it back.
 */
export interface PendingBillingChange {
  readonly pending: true;
  readonly flow: FlowView;
  readonly organization: Named;
  readonly from?: Named;
  readonly to?: Named;
  /** The page where the change is made. */
  readonly url: string;
  /** The exact choice to make there. */
  readonly instruction: string;
  /** After a "Check again" that did not find the change yet: what the settings show now. */
  readonly notYet?: string;
}

export interface OrganizationStatus {
  readonly organization: Named;
  readonly access: OrganizationAccess;
  readonly linked: boolean;
  /** Subscription, dates and warnings are shown only to PCAs and billing managers. */
  readonly detailsVisible: boolean;
  readonly subscription?: Named;
  readonly setUpBy?: Named;
  readonly setUpAt?: string;
  readonly changedBy?: Named;
  readonly changedAt?: string;
  /** Paid on top of the free tier; shown with the other details. */
  readonly paid?: PaidQuantities;
  readonly warnings: readonly string[];
  /** Set when one person alone can manage billing: the status offers to add a backup. */
  readonly soleManager?: Named;
  /** Set when the organization could not be read: why, and what to do. Nothing else about it is known. */
  readonly unreadable?: string;
}
